// The command library of `captioner` (libcaptioner_cli.so): the thin executable (app/launcher/) loads it
// and calls captioner_cli_main for every command line it does not answer itself. Dispatches to the
// registered subcommands.
#include "command.h"

#include "captioner/error.h"
#include "captioner/image_io.h"
#include "captioner/runtime.h"

#include <algorithm>
#include <cstring>
#include <iostream>

namespace cli {
std::vector<Command>& commands() {
    static std::vector<Command> all;
    return all;
}
} // namespace cli

namespace {

void printHelp() {
    auto cmds = cli::commands();
    std::sort(cmds.begin(), cmds.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    std::cout << "Usage: captioner [--threads N] COMMAND [options]\n\n"
                 "Image captioning with the GIT model (Hugging Face GitForCausalLM checkpoints).\n\n"
                 "Commands:\n";
    for (const auto& c : cmds) {
        std::cout << "  " << c.name << std::string(c.name.size() < 14 ? 14 - c.name.size() : 1, ' ') << c.summary
                  << "\n";
    }
    std::cout << "\nGlobal options:\n"
                 "  --threads N   LibTorch threads (default: all cores, "
              << captioner::hardwareThreads()
              << " here)\n"
                 "  --load-truncated-images\n"
                 "                Decode JPEGs and TIFFs that are cut short or have corrupt data as far as\n"
                 "                they go, as Pillow's LOAD_TRUNCATED_IMAGES; by default such files are\n"
                 "                reported as unreadable\n"
                 "  --help        Show this help\n"
                 "  --version     Show version information\n\n"
                 "Run 'captioner COMMAND --help' for the options of a command.\n";
}

} // namespace

// The thin executable set the thread wait policy (OMP_WAIT_POLICY, OPENBLAS_THREAD_TIMEOUT) before it loaded
// this library and, with it, libgomp and OpenBLAS; this keeps it for child processes (and re-executes a
// program that calls us without having set it).
extern "C" __attribute__((visibility("default"))) int captioner_cli_main(int argc, char** argv) {
    captioner::preferPassiveThreadWaiting(argv);
    std::vector<std::string> args(argv + 1, argv + argc);
    int threads = 0;
    // Global options before the command.
    while (!args.empty() && args.front().rfind("-", 0) == 0) {
        const std::string a = args.front();
        if (a == "--help" || a == "-h") {
            printHelp();
            return 0;
        }
        if (a == "--version") {
            std::cout << "captioner " << captioner::version() << "\n" << captioner::torchDescription() << "\n";
            return 0;
        }
        if (a == "--load-truncated-images") {
            captioner::setLoadTruncatedImages(true);
            args.erase(args.begin());
            continue;
        }
        if (a == "--threads" && args.size() > 1) {
            try {
                threads = std::stoi(args[1]);
            } catch (const std::exception&) {
                std::cerr << "captioner: --threads expects an integer, got '" << args[1] << "'\n";
                return 2;
            }
            args.erase(args.begin(), args.begin() + 2);
            continue;
        }
        std::cerr << "captioner: unknown option " << a << "\nRun 'captioner --help' for usage.\n";
        return 2;
    }
    if (args.empty()) {
        printHelp();
        return 2;
    }
    const std::string name = args.front();
    args.erase(args.begin());
    const auto& cmds = cli::commands();
    auto it = std::find_if(cmds.begin(), cmds.end(), [&](const cli::Command& c) { return c.name == name; });
    if (it == cmds.end()) {
        std::cerr << "captioner: unknown command '" << name << "'\nRun 'captioner --help' for the list of commands.\n";
        return 2;
    }
    cli::ArgParser parser("captioner " + it->name, it->summary);
    parser.addOption("threads", "N", "LibTorch threads; 0 = all cores", "0");
    parser.addFlag("load-truncated-images",
                   "decode cut-short or corrupt JPEGs and TIFFs as far as they go instead of reporting them");
    if (it->define) it->define(parser);
    try {
        if (!parser.parse(args)) return 0;
        const int perCommand = parser.intValue("threads");
        captioner::configureThreads(perCommand > 0 ? perCommand : threads);
        if (parser.flag("load-truncated-images")) captioner::setLoadTruncatedImages(true);
        return it->run(parser);
    } catch (const cli::UsageError& e) {
        std::cerr << "captioner " << name << ": " << e.what() << "\nRun 'captioner " << name << " --help' for usage.\n";
        return 2;
    } catch (const captioner::Error& e) {
        std::cerr << "captioner " << name << ": error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "captioner " << name << ": error: " << e.what() << "\n";
        return 1;
    }
}
