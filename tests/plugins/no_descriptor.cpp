// A shared library that is not a citytwin plugin (no descriptor function).
extern "C" int citytwin_something_else() { return 1; }
