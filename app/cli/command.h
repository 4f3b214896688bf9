#pragma once
// Subcommand registry of the `captioner` CLI. Each cmd_*.cpp defines one Command and registers it
// with a static CommandRegistrar, so adding a subcommand touches no other file.
#include "args.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace cli {

// A metric or loss for --json output: the number, or null where it is not finite (JSON has no inf/NaN).
inline nlohmann::json jsonNumber(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

struct Command {
    std::string name;
    std::string summary;                      // one line for `captioner --help`
    std::function<void(ArgParser&)> define;   // declares options and positionals
    std::function<int(const ArgParser&)> run; // returns the exit code; may throw captioner::Error
};

std::vector<Command>& commands();

struct CommandRegistrar {
    explicit CommandRegistrar(Command c) { commands().push_back(std::move(c)); }
};

} // namespace cli
