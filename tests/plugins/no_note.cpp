// A shared library that is not a citytwin plugin: no ABI note (ran_marker.hpp tells
// whether the host loaded it anyway).
#include "ran_marker.hpp"

extern "C" int citytwin_something_else() { return 1; }
