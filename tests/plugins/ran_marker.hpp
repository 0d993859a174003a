#pragma once
// A static constructor that leaves a file behind ($CITYTWIN_TEST_PLUGIN_RAN) if the host
// ever loads this library: the plugins including it must be refused before dlopen.
#include <cstdio>
#include <cstdlib>

__attribute__((constructor)) static void citytwin_test_plugin_loaded() {
    if (const char* path = std::getenv("CITYTWIN_TEST_PLUGIN_RAN"))
        if (std::FILE* f = std::fopen(path, "w")) std::fclose(f);
}
