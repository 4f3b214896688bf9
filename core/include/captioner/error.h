#pragma once
// captioner::Error is the one exception type the core throws. It carries the file (or other subject)
// the problem is about and the reason, so front ends can print "FILE: REASON" without guessing.
#include <stdexcept>
#include <string>

namespace captioner {

class Error : public std::runtime_error {
public:
    Error(std::string subject, std::string reason)
        : std::runtime_error(subject.empty() ? reason : subject + ": " + reason), m_subject(std::move(subject)),
          m_reason(std::move(reason)) {}
    const std::string& subject() const noexcept { return m_subject; }
    const std::string& reason() const noexcept { return m_reason; }

private:
    std::string m_subject;
    std::string m_reason;
};

} // namespace captioner
