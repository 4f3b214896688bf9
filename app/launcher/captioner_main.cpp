// `captioner`: the thin front of the command-line program. It links no LibTorch (loading libtorch_cpu
// alone takes ~0.6 s), answers `--version`, `--help`, `COMMAND --help` and unknown commands itself
// from the help texts generated at build time (cli_help_table.inc, written by captioner_cli_help_gen
// from the commands' own definitions), and hands every other command line to the command library
// (libcaptioner_cli.so, app/cli/), which it loads with dlopen from the install layout or the build tree.
#include "cli_help_table.inc"

#include "captioner/memory_policy.h"
#include "captioner/thread_wait_policy.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

const CommandHelp* findCommand(const std::string& name) {
    for (const auto& c : kCommands)
        if (name == c.name) return &c;
    return nullptr;
}

void printHelp() {
    const unsigned cores = std::thread::hardware_concurrency();
    std::cout << kGlobalHelpBeforeCores << (cores == 0 ? 1U : cores) << kGlobalHelpAfterCores;
}

std::string executableDir() {
    std::vector<char> buf(4096);
    const ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
    if (n <= 0) return {};
    std::string exe(buf.data(), static_cast<std::size_t>(n));
    const auto slash = exe.rfind('/');
    return slash == std::string::npos ? std::string() : exe.substr(0, slash);
}

// The command library: installed beside libcaptioner_core (CAPTIONER_CLI_LIB_FROM_BIN, relative to the
// folder of this executable), or in the build tree's lib/ (CAPTIONER_CLI_LIB_FROM_BUILD_BIN).
int runCommandLibrary(int argc, char** argv) {
    const std::string dir = executableDir();
    if (dir.empty()) {
        std::cerr << "captioner: cannot find the command library " CAPTIONER_CLI_LIB_NAME
                     ": /proc/self/exe is unreadable, so the program's folder is unknown\n";
        return 1;
    }
    const std::vector<std::string> candidates = {
        dir + "/" CAPTIONER_CLI_LIB_FROM_BIN "/" CAPTIONER_CLI_LIB_NAME,
        dir + "/" CAPTIONER_CLI_LIB_FROM_BUILD_BIN "/" CAPTIONER_CLI_LIB_NAME,
    };
    for (const auto& path : candidates) {
        if (::access(path.c_str(), F_OK) != 0) continue;
        // The thread wait policy (OMP_WAIT_POLICY, OPENBLAS_THREAD_TIMEOUT) before libgomp and OpenBLAS
        // (LibTorch's dependencies) are loaded and read it. A policy the user set stays. (The programs
        // linking LibTorch directly re-execute: preferPassiveThreadWaiting.)
        captioner::setThreadWaitPolicy();
        captioner::largeAllocationsFromMmap(); // big tensors go back to the system when freed
        // RTLD_GLOBAL: the core finds OpenBLAS's openblas_set_num_threads with dlsym(RTLD_DEFAULT).
        void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
        if (!lib) {
            const char* why = ::dlerror();
            std::cerr << "captioner: cannot load the command library " << path << ": " << (why ? why : "unknown error")
                      << "\n";
            return 1;
        }
        using Main = int (*)(int, char**);
        auto entry = reinterpret_cast<Main>(::dlsym(lib, "captioner_cli_main"));
        if (!entry) {
            std::cerr << "captioner: " << path << " is not Captioner's command library (no captioner_cli_main)\n";
            return 1;
        }
        return entry(argc, argv);
    }
    std::cerr << "captioner: the command library is missing: no " << candidates[0] << " (installed layout) or "
              << candidates[1] << " (build tree); reinstall Captioner\n";
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        printHelp();
        return 2;
    }
    const std::string& first = args.front();
    if (first == "--help" || first == "-h") {
        printHelp();
        return 0;
    }
    if (first == "--version") {
        std::cout << kVersionLine << "\n" << kTorchLine << "\n";
        return 0;
    }
    // Other global options (--threads N, ...), bad ones included, are the library's: its checks and
    // messages stay in one place.
    if (first.rfind("-", 0) == 0) return runCommandLibrary(argc, argv);
    const CommandHelp* command = findCommand(first);
    if (!command) {
        std::cerr << "captioner: unknown command '" << first << "'\nRun 'captioner --help' for the list of commands.\n";
        return 2;
    }
    if (args.size() == 2 && (args[1] == "--help" || args[1] == "-h")) {
        std::cout << command->help;
        return 0;
    }
    return runCommandLibrary(argc, argv);
}
