#pragma once
// A whole JSON file, with errors naming it: Error(path, "missing or unreadable: <why>") or
// Error(path, "not valid JSON (…)").
#include <nlohmann/json.hpp>

#include <string>

namespace captioner::detail {

nlohmann::json readJsonFile(const std::string& path);

} // namespace captioner::detail
