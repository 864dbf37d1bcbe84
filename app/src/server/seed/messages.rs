//! Demo messages: a notice sent to Carlos Mendez (who reads Spanish) with the webinar coupon,
//! waiting as his pop-up, and the firm's own wording of the welcome and the approved-challenge
//! emails in both languages.
use crate::error::AppError;
use crate::model::{NoticeForm, TemplateText};
use crate::server::entity::{coupon, firm_notice, user};
use crate::server::infra::origin::Origin;
use crate::server::messages::{notices, templates};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter,
};

pub async fn seed(db: &DatabaseConnection, admin: i64) -> Result<(), AppError> {
    if firm_notice::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let o = Origin::internal("seed");
    if let Some(carlos) = user::Entity::find()
        .filter(user::Column::Email.eq("carlos.mendez@example.com"))
        .one(db)
        .await?
    {
        let mut m: user::ActiveModel = carlos.into();
        m.locale = Set("es".into());
        m.update(db).await?;
    }
    let webinar = coupon::Entity::find()
        .filter(coupon::Column::Title.eq("Webinar welcome"))
        .one(db)
        .await?;
    notices::send(
        db,
        admin,
        NoticeForm {
            title_en: "Spring webinar replay".into(),
            body_en: "Missed our spring webinar? The replay is online, and 15% off your next challenge is waiting in your coupons.".into(),
            title_es: "Repetición del webinar de primavera".into(),
            body_es: "¿Se perdió nuestro webinar de primavera? La repetición ya está disponible, y tiene un 15% de descuento en su próximo desafío entre sus cupones.".into(),
            link: "/challenges".into(),
            coupon_id: webinar.map_or(0, |c| c.id),
            audience: "list".into(),
            clients: "carlos.mendez@example.com".into(),
            ..Default::default()
        },
        &o,
    )
    .await?;
    let words = [
        (
            "welcome",
            "en",
            "Welcome to PropDesk, {name}",
            "<p>Hello <b>{name}</b>,</p><p>Your account is open. Pick your first challenge and trade our capital:</p><p><a href=\"{link}\">Sign in</a></p><p>The PropDesk team</p>",
        ),
        (
            "welcome",
            "es",
            "Bienvenido a PropDesk, {name}",
            "<p>Hola <b>{name}</b>:</p><p>Su cuenta está abierta. Elija su primer desafío y opere con nuestro capital:</p><p><a href=\"{link}\">Iniciar sesión</a></p><p>El equipo de PropDesk</p>",
        ),
        (
            "approved.participation",
            "en",
            "Your challenge #{id} is on",
            "Hello {name},\n\nYour challenge purchase #{id} was approved: your account is being prepared and its login will be in your portal in a moment.\n\nGood trading,\nThe PropDesk team",
        ),
        (
            "approved.participation",
            "es",
            "Su desafío n.º {id} está en marcha",
            "Hola {name}:\n\nSu compra del desafío n.º {id} fue aprobada: estamos preparando su cuenta y su usuario estará en su portal en un momento.\n\nBuen trading,\nEl equipo de PropDesk",
        ),
    ];
    for (key, locale, subject, body) in words {
        templates::save(
            db,
            admin,
            TemplateText {
                key: key.into(),
                locale: locale.into(),
                subject: subject.into(),
                body: body.into(),
                edited: false,
            },
            &o,
        )
        .await?;
    }
    Ok(())
}
