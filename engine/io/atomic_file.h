#pragma once
// Atomic file replacement: the bytes go to a temp file in the same folder, which is flushed,
// fsynced and renamed over the target. Readers see the old file or the new one, never half.
// A save also removes the temporaries that killed saves left in its folder (their process is gone).

#include <cstdint>
#include <span>
#include <string>

#include "engine/core/result.h"

namespace studio {

/// On failure returns an Error naming `path` and why (permissions, full disk); the temp file is
/// removed and any existing file at `path` is left as it was. `what` names the content in
/// messages ("the model").
Status writeFileAtomically(const std::string& path, std::span<const std::uint8_t> bytes, const std::string& what);

}  // namespace studio
