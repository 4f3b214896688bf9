#pragma once
// A bounded pool for dataset-wide work (image checks): `threads` workers (0 = all cores, never more
// than there are tasks) take indices from a shared counter and are joined before the call returns.
// progress and shouldCancel are called on the calling thread only, which also does its share.
#include <cstddef>
#include <functional>

namespace captioner::detail {

// Returns false when shouldCancel() said so (remaining tasks are skipped). `task` must not throw.
bool parallelFor(std::size_t count, int threads, const std::function<void(std::size_t)>& task,
                 const std::function<void(std::size_t, std::size_t)>& progress = {},
                 const std::function<bool()>& shouldCancel = {});

} // namespace captioner::detail
