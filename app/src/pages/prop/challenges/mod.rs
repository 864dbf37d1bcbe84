//! The back office's challenges: the list, and the editor of one challenge as a form in four
//! steps (basics, packages and stages, payment and visibility, review and publish).
//!
//! The whole definition lives in one signal. Every input writes its part back as soon as its
//! text parses (percentages typed as "8.5" are stored as 850 basis points, amounts as minor
//! units); text that does not parse keeps an error beside the input until it does. The
//! server's validation errors come back under the field paths of `ChallengeDef::validate`
//! (`packages.0.stages.1.profit_target`): each shows beside its input, and all of them are
//! listed above the form, so an error on another step is never hidden.
mod editor;
mod list;

pub use editor::ChallengeEditorPage;
pub use list::{ChallengeStatus, ChallengesPage};
