//! Small SVG charts drawn on the server, so they appear before hydration.
use leptos::prelude::*;

/// A bar chart of labelled counts, scaled to the largest value.
#[component]
pub fn BarChart(
    data: Vec<(String, u64)>,
    #[prop(into)] title: Signal<&'static str>,
) -> impl IntoView {
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
            let short = label.get(5..).unwrap_or(&label).to_string();
            view! {
                <g>
                    <rect class="bar" x=format!("{x:.1}") y=format!("{y:.1}") width=format!("{bar_w:.1}") height=format!("{h:.1}") rx="3">
                        <title>{format!("{label}: {v}")}</title>
                    </rect>
                    {(v > 0).then(|| view! { <text class="value" x=format!("{cx:.1}") y=format!("{:.1}", y - 4.0) text-anchor="middle">{v.to_string()}</text> })}
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
