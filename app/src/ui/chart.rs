//! Small SVG charts drawn on the server, so they appear before hydration.
use leptos::prelude::*;

/// A bar chart of labelled values, scaled to the largest. Labels are days ("2026-11-30",
/// shown as "11-30") unless `full_labels`; `format` writes the values (default: as counts).
#[component]
pub fn BarChart(
    data: Vec<(String, u64)>,
    #[prop(into)] title: Signal<&'static str>,
    #[prop(optional)] full_labels: bool,
    #[prop(optional)] format: Option<fn(u64) -> String>,
) -> impl IntoView {
    let format = format.unwrap_or(|v| v.to_string());
    const W: f64 = 640.0;
    const H: f64 = 200.0;
    const PAD_BOTTOM: f64 = 28.0;
    const PAD_TOP: f64 = 18.0;
    let max = data.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
    let n = data.len().max(1) as f64;
    let slot = W / n;
    let bar_w = (slot * 0.6).max(2.0);
    let bars = data
        .into_iter()
        .enumerate()
        .map(|(i, (label, v))| {
            let h = (H - PAD_BOTTOM - PAD_TOP) * v as f64 / max;
            let x = i as f64 * slot + (slot - bar_w) / 2.0;
            let y = H - PAD_BOTTOM - h;
            let cx = x + bar_w / 2.0;
            // Label every other day when crowded.
            let show_label = n <= 8.0 || i % 2 == 0;
            let short = if full_labels {
                label.clone()
            } else {
                label.get(5..).unwrap_or(&label).to_string()
            };
            let text = format(v);
            view! {
                <g>
                    <rect class="bar" x=format!("{x:.1}") y=format!("{y:.1}") width=format!("{bar_w:.1}") height=format!("{h:.1}") rx="3">
                        <title>{format!("{label}: {text}")}</title>
                    </rect>
                    {(v > 0 && show_label).then(|| view! { <text class="value" x=format!("{cx:.1}") y=format!("{:.1}", y - 4.0) text-anchor="middle">{text.clone()}</text> })}
                    {show_label.then(|| view! { <text class="label" x=format!("{cx:.1}") y=format!("{:.1}", H - 8.0) text-anchor="middle">{short}</text> })}
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart" viewBox=format!("0 0 {W} {H}") role="img" aria-label=move || title.get()>
            <line class="axis" x1="0" y1=format!("{}", H - PAD_BOTTOM) x2=format!("{W}") y2=format!("{}", H - PAD_BOTTOM)></line>
            {bars}
        </svg>
    }
}

/// A line chart of two series over the same points (for example balance and equity), scaled
/// between their lowest and highest values. `values` are (label, first, second).
#[component]
pub fn LineChart(
    values: Vec<(String, i64, i64)>,
    #[prop(into)] title: Signal<String>,
    /// Formats a value for the axis labels.
    format: fn(i64) -> String,
) -> impl IntoView {
    const W: f64 = 640.0;
    const H: f64 = 220.0;
    const PAD_LEFT: f64 = 70.0;
    const PAD_Y: f64 = 16.0;
    let lo = values
        .iter()
        .map(|(_, a, b)| (*a).min(*b))
        .min()
        .unwrap_or(0);
    let hi = values
        .iter()
        .map(|(_, a, b)| (*a).max(*b))
        .max()
        .unwrap_or(1);
    let span = ((hi - lo).max(1)) as f64;
    let n = values.len();
    let x = move |i: usize| {
        if n <= 1 {
            W - 4.0
        } else {
            PAD_LEFT + (W - PAD_LEFT - 4.0) * i as f64 / (n - 1) as f64
        }
    };
    let y = move |v: i64| H - PAD_Y - (H - 2.0 * PAD_Y) * (v - lo) as f64 / span;
    let path = |pick: fn(&(String, i64, i64)) -> i64| {
        values
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let cmd = if i == 0 { 'M' } else { 'L' };
                format!("{cmd}{:.1},{:.1}", x(i), y(pick(p)))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let first = path(|p| p.1);
    let second = path(|p| p.2);
    let (first_label, last_label) = (
        values.first().map(|p| p.0.clone()).unwrap_or_default(),
        values.last().map(|p| p.0.clone()).unwrap_or_default(),
    );
    view! {
        <svg class="chart line-chart" viewBox=format!("0 0 {W} {H}") role="img" aria-label=move || title.get()>
            <line class="axis" x1=format!("{PAD_LEFT}") y1=format!("{}", H - PAD_Y) x2=format!("{W}") y2=format!("{}", H - PAD_Y)></line>
            <text class="label" x="4" y=format!("{:.1}", PAD_Y + 4.0)>{format(hi)}</text>
            <text class="label" x="4" y=format!("{:.1}", H - PAD_Y)>{format(lo)}</text>
            <text class="label" x=format!("{PAD_LEFT}") y=format!("{H}")>{first_label}</text>
            <text class="label" x=format!("{W}") y=format!("{H}") text-anchor="end">{last_label}</text>
            <path class="series-a" d=first fill="none"></path>
            <path class="series-b" d=second fill="none"></path>
        </svg>
    }
}
