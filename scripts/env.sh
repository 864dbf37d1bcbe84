# Shared environment for the project's scripts (sourced, not run).
# The same LEPTOS_OUTPUT_NAME and RUSTFLAGS for cargo-leptos and plain cargo, so switching
# between them does not rebuild. `erase_components` type-erases Leptos components: much smaller
# types, faster builds and smaller binaries (cargo-leptos's own debug default, applied to all).
export LEPTOS_OUTPUT_NAME=propdesk
# Once only: test.sh sources this and then runs e2e.sh, which sources it again, and a repeated
# flag is a different RUSTFLAGS to cargo (a rebuild of every crate).
case " ${RUSTFLAGS:-} " in
  *" --cfg erase_components "*) ;;
  *) export RUSTFLAGS="--cfg erase_components${RUSTFLAGS:+ $RUSTFLAGS}" ;;
esac
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
