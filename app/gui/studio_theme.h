#pragma once
// The studio's two looks: Fusion (dialog buttons without icons) with its light palette, or a dark one. Every widget of ours
// draws from the palette and follows palette changes, so switching needs no restart.

namespace studio::app {

void applyStudioPalette(bool dark);

}  // namespace studio::app
