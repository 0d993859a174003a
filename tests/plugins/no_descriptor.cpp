// A shared library with a valid ABI note but no descriptor function.
#include <citytwin/plugin.hpp>

CITYTWIN_PLUGIN_ABI_NOTE()

extern "C" int citytwin_something_else() { return 1; }
