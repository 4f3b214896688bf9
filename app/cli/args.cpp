#include "args.h"

#include <iostream>
#include <sstream>

namespace cli {

ArgParser::ArgParser(std::string program, std::string summary)
    : m_program(std::move(program)), m_summary(std::move(summary)) {
    addFlag("help", "Show this help and exit");
}

void ArgParser::addOption(const std::string& name, const std::string& valueName, const std::string& help,
                          std::optional<std::string> defaultValue) {
    m_options.push_back({name, valueName, help, std::move(defaultValue), false});
}

void ArgParser::addFlag(const std::string& name, const std::string& help) {
    m_options.push_back({name, "", help, std::nullopt, true});
}

void ArgParser::addPositional(const std::string& name, const std::string& help, bool many, int minCount) {
    m_positionals.push_back({name, help, many, minCount});
}

const ArgParser::Option* ArgParser::findOption(const std::string& name) const {
    for (const auto& o : m_options)
        if (o.name == name) return &o;
    return nullptr;
}

bool ArgParser::parse(const std::vector<std::string>& args) {
    std::vector<std::string> loose;
    bool onlyPositionals = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (!onlyPositionals && a == "--") {
            onlyPositionals = true;
            continue;
        }
        if (!onlyPositionals && a.size() > 2 && a.compare(0, 2, "--") == 0) {
            std::string name = a.substr(2), value;
            bool hasValue = false;
            if (auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                hasValue = true;
            }
            const Option* o = findOption(name);
            if (!o) throw UsageError("unknown option --" + name);
            if (o->isFlag) {
                if (hasValue) throw UsageError("option --" + name + " takes no value");
                m_values[name] = "1";
            } else {
                if (!hasValue) {
                    if (i + 1 >= args.size())
                        throw UsageError("option --" + name + " needs a value (" + o->valueName + ")");
                    value = args[++i];
                }
                m_values[name] = value;
                m_allValues[name].push_back(value);
            }
            continue;
        }
        if (!onlyPositionals && a.size() > 1 && a[0] == '-' && a != "-") {
            if (a == "-h") {
                m_values["help"] = "1";
                continue;
            }
            throw UsageError("unknown option " + a);
        }
        loose.push_back(a);
    }
    if (isSet("help")) {
        std::cout << help();
        return false;
    }
    size_t next = 0;
    for (const auto& p : m_positionals) {
        std::vector<std::string> taken;
        if (p.many) {
            while (next < loose.size()) taken.push_back(loose[next++]);
        } else if (next < loose.size()) {
            taken.push_back(loose[next++]);
        }
        if (static_cast<int>(taken.size()) < p.minCount) throw UsageError("missing argument " + p.name);
        m_positionalValues[p.name] = std::move(taken);
    }
    if (next < loose.size()) throw UsageError("unexpected argument " + loose[next]);
    return true;
}

bool ArgParser::isSet(const std::string& name) const { return m_values.count(name) > 0; }

std::optional<std::string> ArgParser::optional(const std::string& name) const {
    if (auto it = m_values.find(name); it != m_values.end()) return it->second;
    if (const Option* o = findOption(name); o && o->defaultValue) return o->defaultValue;
    return std::nullopt;
}

std::string ArgParser::value(const std::string& name) const { return optional(name).value_or(""); }

std::vector<std::string> ArgParser::values(const std::string& name) const {
    const auto it = m_allValues.find(name);
    return it == m_allValues.end() ? std::vector<std::string>() : it->second;
}

int ArgParser::intValue(const std::string& name) const {
    const std::string v = value(name);
    try {
        size_t used = 0;
        const int n = std::stoi(v, &used);
        if (used != v.size()) throw std::invalid_argument(v);
        return n;
    } catch (const std::exception&) {
        throw UsageError("option --" + name + " expects an integer, got '" + v + "'");
    }
}

double ArgParser::doubleValue(const std::string& name) const {
    const std::string v = value(name);
    try {
        size_t used = 0;
        const double d = std::stod(v, &used);
        if (used != v.size()) throw std::invalid_argument(v);
        return d;
    } catch (const std::exception&) {
        throw UsageError("option --" + name + " expects a number, got '" + v + "'");
    }
}

std::vector<std::string> ArgParser::positionals(const std::string& name) const {
    auto it = m_positionalValues.find(name);
    return it == m_positionalValues.end() ? std::vector<std::string>{} : it->second;
}

std::string ArgParser::positional(const std::string& name) const {
    auto v = positionals(name);
    return v.empty() ? std::string() : v.front();
}

std::string ArgParser::help() const {
    std::ostringstream s;
    s << "Usage: " << m_program << " [options]";
    for (const auto& p : m_positionals)
        s << ' ' << (p.minCount == 0 ? "[" : "") << p.name << (p.many ? "..." : "") << (p.minCount == 0 ? "]" : "");
    s << "\n\n" << m_summary << "\n";
    if (!m_positionals.empty()) {
        s << "\nArguments:\n";
        for (const auto& p : m_positionals) s << "  " << p.name << "\n      " << p.help << "\n";
    }
    s << "\nOptions:\n";
    for (const auto& o : m_options) {
        s << "  --" << o.name;
        if (!o.isFlag) s << ' ' << o.valueName;
        s << "\n      " << o.help;
        if (o.defaultValue && !o.defaultValue->empty()) s << " (default: " << *o.defaultValue << ")";
        s << "\n";
    }
    return s.str();
}

} // namespace cli
