//! Trading platforms and the bridge.
//! (key, English, Spanish)
pub static TRADING: &[(&str, &str, &str)] = &[
    (
        "platform.sub",
        "The built-in simulated platform: prices, the moving feed and the simulator's clock.",
        "La plataforma simulada integrada: precios, el flujo de precios y el reloj del simulador.",
    ),
    ("platform.feed", "Price feed", "Flujo de precios"),
    (
        "platform.feed_running",
        "Prices move every second.",
        "Los precios se mueven cada segundo.",
    ),
    (
        "platform.feed_stopped",
        "Prices stand still until set.",
        "Los precios no cambian hasta que se fijen.",
    ),
    ("platform.stop_feed", "Stop the feed", "Detener el flujo"),
    ("platform.start_feed", "Start the feed", "Iniciar el flujo"),
    ("platform.clock", "Simulator clock", "Reloj del simulador"),
    (
        "platform.clock_hint",
        "Moving the clock a day closes the trading day of every simulated account now: daily limits reset, stages that met their target pass and periods end.",
        "Adelantar el reloj un día cierra ahora la jornada de todas las cuentas simuladas: se reinician los límites diarios, las fases con el objetivo cumplido se superan y los periodos terminan.",
    ),
    (
        "platform.advance_day",
        "Advance one day",
        "Adelantar un día",
    ),
    (
        "platform.decided",
        "Day closed: {n} stage(s) decided.",
        "Jornada cerrada: {n} fase(s) decidida(s).",
    ),
    ("platform.prices", "Prices", "Precios"),
    ("platform.set_price", "Set the price", "Fijar el precio"),
    ("platform.set", "Set", "Fijar"),
];
