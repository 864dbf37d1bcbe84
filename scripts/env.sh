# Shared environment for the project's scripts (sourced, not run).
# The same LEPTOS_OUTPUT_NAME and RUSTFLAGS for cargo-leptos and plain cargo, so switching
# between them does not rebuild. `erase_components` type-erases Leptos components: much smaller
# types, faster builds and smaller binaries (cargo-leptos's own debug default, applied to all).
export LEPTOS_OUTPUT_NAME=propdesk
export RUSTFLAGS="--cfg erase_components${RUSTFLAGS:+ $RUSTFLAGS}"
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
