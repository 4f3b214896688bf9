#pragma once
// A small, strict argument parser for the CLI (no Qt, so the CLI builds headless). Options are
// --name VALUE or --name=VALUE; flags take no value; unknown options are errors.
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace cli {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ArgParser {
public:
    ArgParser(std::string program, std::string summary);

    void addOption(const std::string& name, const std::string& valueName, const std::string& help,
                   std::optional<std::string> defaultValue = std::nullopt);
    void addFlag(const std::string& name, const std::string& help);
    // Positional arguments; `many` takes all remaining ones (at least `minCount`).
    void addPositional(const std::string& name, const std::string& help, bool many = false, int minCount = 1);

    // Throws UsageError on bad input. Returns false when --help was given (help already printed).
    bool parse(const std::vector<std::string>& args);

    bool isSet(const std::string& name) const;
    bool flag(const std::string& name) const { return isSet(name); }
    std::string value(const std::string& name) const; // option value or its default; "" if none (the last one given)
    // Every value given for an option, in order (an option may be repeated: --model A --model B).
    std::vector<std::string> values(const std::string& name) const;
    std::optional<std::string> optional(const std::string& name) const;
    int intValue(const std::string& name) const;
    double doubleValue(const std::string& name) const;
    std::vector<std::string> positionals(const std::string& name) const;
    std::string positional(const std::string& name) const;

    std::string help() const;

private:
    struct Option {
        std::string name, valueName, help;
        std::optional<std::string> defaultValue;
        bool isFlag = false;
    };
    struct Positional {
        std::string name, help;
        bool many = false;
        int minCount = 1;
    };
    const Option* findOption(const std::string& name) const;

    std::string m_program, m_summary;
    std::vector<Option> m_options;
    std::vector<Positional> m_positionals;
    std::map<std::string, std::string> m_values;
    std::map<std::string, std::vector<std::string>> m_allValues;
    std::map<std::string, std::vector<std::string>> m_positionalValues;
};

} // namespace cli
