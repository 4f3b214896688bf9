// `captioner info`: what this build can do (threads, LibTorch, CUDA) — useful in bug reports.
#include "command.h"

#include "captioner/cuda_info.h"
#include "captioner/inference_precision.h"
#include "captioner/runtime.h"

#include <iostream>

namespace {
cli::CommandRegistrar reg({"info", "Show build and runtime information (threads, LibTorch, devices)", nullptr,
                           [](const cli::ArgParser&) {
                               std::cout << "captioner " << captioner::version() << "\n"
                                         << captioner::torchDescription() << "\n"
                                         << "threads: " << captioner::currentThreads() << " of "
                                         << captioner::hardwareThreads() << " cores\n"
                                         << captioner::blasSummaryLine() << "\n";
                               for (const auto& line : captioner::cudaSummaryLines()) std::cout << line << "\n";
                               for (const auto& line : captioner::precisionSummaryLines()) std::cout << line << "\n";
                               return 0;
                           }});
} // namespace
