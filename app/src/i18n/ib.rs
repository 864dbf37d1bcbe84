//! The IB area.
//! (key, English, Spanish)
pub static IB: &[(&str, &str, &str)] = &[
    // IB area
    (
        "ib.subtitle",
        "Your referral link and the clients you brought.",
        "Su enlace de referido y los clientes que ha traído.",
    ),
    ("ib.direct_clients", "Direct clients", "Clientes directos"),
    (
        "ib.joined_30d",
        "Joined in the last 30 days",
        "Altas en los últimos 30 días",
    ),
    ("ib.share", "Share your link", "Comparta su enlace"),
    ("ib.referral_link", "Referral link", "Enlace de referido"),
    ("ib.my_clients", "My clients", "Mis clientes"),
];
