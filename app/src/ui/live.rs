//! The browser's end of the live stream (`GET /live`, server-sent events).
//!
//! One `EventSource` a tab, opened when a page first asks for a topic: the public pages never
//! open it. `changes(topic)` is a number that moves when something of that topic changed for
//! this user; a page keys its resources on it and so reads again what it shows. Moves of one
//! topic come at most every `SPACING` (a burst of bridge updates is one read, at its start and
//! at its end). The browser reconnects by itself and the server replays what was missed from
//! the last event id; when the stream cannot be opened at all (the server refused it), every
//! topic moves every `FALLBACK` instead, and the stream is tried again then. A page that shows
//! one thing of a topic (a participant, a ticket) keys on `changes_of` instead, which moves only
//! when that thing changed: a staff member's participant page does not read itself again for
//! every other trader's tick.
use crate::domain::live::Topic;
use leptos::prelude::*;

/// The least time between two moves of one topic.
#[cfg(feature = "hydrate")]
const SPACING_MS: f64 = 250.0;
/// The slow poll when there is no stream.
#[cfg(feature = "hydrate")]
const FALLBACK: std::time::Duration = std::time::Duration::from_secs(15);

/// Where the stream stands, for the live indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveState {
    /// Not opened yet (no page asked for a topic) or opening.
    Connecting,
    Open,
    /// The stream was refused: topics move on a slow poll.
    Polling,
}

impl LiveState {
    fn as_str(self) -> &'static str {
        match self {
            LiveState::Connecting => "connecting",
            LiveState::Open => "open",
            LiveState::Polling => "polling",
        }
    }
}

#[derive(Clone, Copy)]
struct Live {
    /// One counter a topic, in `Topic::ALL`'s order.
    counters: StoredValue<Vec<RwSignal<u64>>>,
    /// Per topic, which things changed in what its counter's last move covers (None: any).
    moved: StoredValue<Vec<Option<Vec<i64>>>>,
    state: RwSignal<LiveState>,
    started: StoredValue<bool>,
    #[cfg(feature = "hydrate")]
    stream: StoredValue<stream::Stream, LocalStorage>,
}

/// Makes the live stream available to every page below (the app's root calls it once).
pub fn provide_live() {
    provide_context(Live {
        counters: StoredValue::new(Topic::ALL.iter().map(|_| RwSignal::new(0)).collect()),
        moved: StoredValue::new(vec![None; Topic::ALL.len()]),
        state: RwSignal::new(LiveState::Connecting),
        started: StoredValue::new(false),
        #[cfg(feature = "hydrate")]
        stream: StoredValue::new_local(stream::Stream::default()),
    });
}

/// A number that moves whenever something of `topic` changes for the signed-in user. Asking
/// opens the stream (once a tab).
pub fn changes(topic: Topic) -> Signal<u64> {
    let Some(live) = use_context::<Live>() else {
        return Signal::stored(0);
    };
    live.start();
    live.counter(topic).into()
}

/// Like `changes`, for a page that shows the one thing `id` of `topic` (the event's `ref`):
/// it moves when that thing changed, or when every topic moves (the stream opened again, the
/// slow poll), and not for the topic's other things.
pub fn changes_of(topic: Topic, id: impl Into<Signal<i64>>) -> Signal<u64> {
    let id = id.into();
    let Some(live) = use_context::<Live>() else {
        return Signal::stored(0);
    };
    live.start();
    let counter = live.counter(topic);
    let i = index(topic);
    Memo::new(move |prev: Option<&u64>| {
        let n = counter.get();
        let ours = live.moved.with_value(|m| {
            m[i].as_ref()
                .is_none_or(|refs| id.with_untracked(|id| refs.contains(id)))
        });
        match prev {
            Some(p) if !ours => *p,
            _ => n,
        }
    })
    .into()
}

fn index(topic: Topic) -> usize {
    Topic::ALL.iter().position(|t| *t == topic).unwrap_or(0)
}

impl Live {
    fn counter(self, topic: Topic) -> RwSignal<u64> {
        self.counters.with_value(|c| c[index(topic)])
    }

    fn start(self) {
        if self.started.get_value() {
            return;
        }
        self.started.set_value(true);
        #[cfg(feature = "hydrate")]
        stream::open(self);
    }
}

/// Draws `view` from the part of a live-refreshed resource that seldom changes (which ticket,
/// whether a stage may advance), and draws it again only when that part changes. A form drawn
/// inside the resource's own closure is built anew on every live update: what the user typed
/// and their focus would go with it. Use it inside the resource's `<Transition>`, beside the
/// closure that draws the rest, so the server renders it with the data as the browser does.
pub fn steady<T, V>(
    part: impl Fn() -> Option<T> + Send + Sync + 'static,
    view: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let part = Memo::new(move |_| part());
    move || part.get().map(&view)
}

/// Shows whether the page is live: a dot and a word (`data-live`: connecting, open, polling),
/// with a longer explanation on hover.
#[component]
pub fn LiveDot() -> impl IntoView {
    let i18n = crate::i18n::use_i18n();
    let state = use_context::<Live>().map(|l| l.state);
    let now = move || state.map_or(LiveState::Connecting, |s| s.get());
    let key = move |what: &str| format!("live.{what}_{}", now().as_str());
    view! {
        <span
            class="live"
            data-testid="live"
            data-live=move || now().as_str()
            title=move || i18n.t(&key("hint"))
        >
            <span class="live-dot" class:is-polling=move || now() == LiveState::Polling></span>
            <span class="live-label">{move || i18n.t(&key("label"))}</span>
        </span>
    }
}

#[cfg(feature = "hydrate")]
mod stream {
    use super::{FALLBACK, Live, LiveState, SPACING_MS, index};
    use crate::domain::live::{LiveEvent, Topic};
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::Closure;
    use web_sys::{EventSource, MessageEvent};

    /// What the tab remembers between events.
    #[derive(Default)]
    pub struct Stream {
        source: Option<EventSource>,
        /// The newest event id taken: a replayed duplicate is dropped.
        last: i64,
        /// Whether the stream has been ready once (a later `ready` is a reconnection).
        opened: bool,
        /// Per topic: when it last moved, and whether a move waits for the spacing.
        moved_at: Vec<f64>,
        waiting: Vec<bool>,
        /// Per topic, which things changed since its last move (None: any).
        pending: Vec<Option<Vec<i64>>>,
        polling: bool,
    }

    pub fn open(live: Live) {
        let Ok(source) = EventSource::new("/live") else {
            fall_back(live);
            return;
        };
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let Some(text) = ev.data().as_string() else {
                return;
            };
            // From bytes, as every answer is read (ui::resource): one JSON reader in the wasm.
            let Ok(e) = serde_json::from_slice::<LiveEvent>(text.as_bytes()) else {
                return;
            };
            let fresh = live.stream.try_update_value(|s| {
                let fresh = e.id > s.last;
                s.last = s.last.max(e.id);
                fresh
            });
            if fresh == Some(true) {
                bump(live, e.topic, e.ref_id);
            }
        });
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let on_ready = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
            live.state.set(LiveState::Open);
            // The page was drawn before the stream opened: what changed in between is read now.
            // A reconnection has been sent what it missed instead.
            let first = live
                .stream
                .try_update_value(|s| !std::mem::replace(&mut s.opened, true));
            if first == Some(true) {
                bump_all(live);
            }
        });
        let _ = source.add_event_listener_with_callback("ready", on_ready.as_ref().unchecked_ref());
        on_ready.forget();
        let on_reset =
            Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| bump_all(live));
        let _ = source.add_event_listener_with_callback("reset", on_reset.as_ref().unchecked_ref());
        on_reset.forget();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            let closed = live.stream.with_value(|s| {
                s.source
                    .as_ref()
                    .is_none_or(|s| s.ready_state() == EventSource::CLOSED)
            });
            if closed {
                fall_back(live);
            } else {
                // The browser is reconnecting by itself.
                live.state.set(LiveState::Connecting);
            }
        });
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        live.stream.update_value(|s| s.source = Some(source));
    }

    /// The stream was refused: poll slowly, and try the stream again each time.
    fn fall_back(live: Live) {
        live.state.set(LiveState::Polling);
        let already = live.stream.try_update_value(|s| {
            if let Some(source) = s.source.take() {
                source.close();
            }
            std::mem::replace(&mut s.polling, true)
        });
        if already != Some(false) {
            return;
        }
        set_timeout(
            move || {
                live.stream.update_value(|s| s.polling = false);
                bump_all(live);
                open(live);
            },
            FALLBACK,
        );
    }

    fn bump_all(live: Live) {
        for t in Topic::ALL {
            bump(live, *t, None);
        }
    }

    /// Moves the topic now, or once the spacing has passed since its last move; `thing` is the
    /// event's `ref` (None: any of the topic's things may have changed).
    fn bump(live: Live, topic: Topic, thing: Option<i64>) {
        let i = index(topic);
        let now = js_sys::Date::now();
        // None: a move already waits; Some(None): move now; Some(Some(ms)): move in ms.
        let wait = live.stream.try_update_value(|s| {
            s.moved_at.resize(Topic::ALL.len(), f64::MIN);
            s.waiting.resize(Topic::ALL.len(), false);
            s.pending.resize(Topic::ALL.len(), Some(Vec::new()));
            match (&mut s.pending[i], thing) {
                (Some(things), Some(t)) if !things.contains(&t) => things.push(t),
                (p, None) => *p = None,
                _ => {}
            }
            if s.waiting[i] {
                return None;
            }
            let due = s.moved_at[i] + SPACING_MS;
            if now >= due {
                s.moved_at[i] = now;
                Some(None)
            } else {
                s.waiting[i] = true;
                Some(Some(due - now))
            }
        });
        match wait.flatten() {
            None => {}
            Some(None) => move_now(live, i),
            Some(Some(ms)) => set_timeout(
                move || {
                    live.stream.update_value(|s| {
                        s.waiting[i] = false;
                        s.moved_at[i] = js_sys::Date::now();
                    });
                    move_now(live, i);
                },
                std::time::Duration::from_millis(ms as u64),
            ),
        }
    }

    /// Moves topic `i`'s counter, with the things changed since its last move.
    fn move_now(live: Live, i: usize) {
        let things = live
            .stream
            .try_update_value(|s| s.pending[i].replace(Vec::new()))
            .flatten();
        live.moved.update_value(|m| m[i] = things);
        live.counters.with_value(|c| c[i]).update(|n| *n += 1);
    }
}
