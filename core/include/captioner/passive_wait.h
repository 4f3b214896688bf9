#pragma once
// Sets OMP_WAIT_POLICY=PASSIVE before libgomp reads it, without re-executing the program.
//
// libgomp reads OMP_WAIT_POLICY once, in its ELF initialiser, which runs before main() and before any
// initialiser of the program's own libraries. Only a program's .preinit_array runs earlier (the ELF
// gABI runs it after relocation and before every shared object's initialiser), and only an executable
// may have one, so each program expands CAPTIONER_PASSIVE_WAIT_AT_LOAD() once at namespace scope in
// the file with its main(). preferPassiveThreadWaiting(argv) (runtime.h) then sees that the setting
// took effect and does not re-execute; a program without the macro still gets it by re-executing.
//
// The entry only calls setenv without overwriting: a policy the user set stays. (glibc's own start-up
// hands main() the original environment array afterwards, so preferPassiveThreadWaiting sets the
// variable once more for child processes.)
#include <cstdlib>

namespace captioner::detail {
// Records that the pre-initialiser ran (a plain flag in the core: callable before any initialiser).
void notePassiveWaitSetAtLoad();

inline void passiveWaitAtLoad(int, char**, char**) {
    ::setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
    notePassiveWaitSetAtLoad();
}
} // namespace captioner::detail

#define CAPTIONER_PASSIVE_WAIT_AT_LOAD()                                                                               \
    __attribute__((section(".preinit_array"), used)) static void (*const captionerPassiveWaitAtLoad)(                  \
        int, char**, char**) = &captioner::detail::passiveWaitAtLoad
