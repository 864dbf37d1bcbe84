//! Error messages (`err.*`): what `AppError` and field errors name, for every area.
//! (key, English, Spanish)
pub static ERRORS: &[(&str, &str, &str)] = &[
    // Errors
    (
        "err.required",
        "This field is required.",
        "Este campo es obligatorio.",
    ),
    (
        "err.email_invalid",
        "Enter a valid email address, like name@example.com.",
        "Introduzca un correo válido, como nombre@ejemplo.com.",
    ),
    (
        "err.email_taken",
        "An account with this email already exists.",
        "Ya existe una cuenta con este correo.",
    ),
    (
        "err.password_short",
        "The password needs at least 10 characters.",
        "La contraseña necesita al menos 10 caracteres.",
    ),
    (
        "err.password_long",
        "The password can have at most 128 characters.",
        "La contraseña puede tener como máximo 128 caracteres.",
    ),
    (
        "err.password_wrong",
        "That is not your current password.",
        "Esa no es su contraseña actual.",
    ),
    (
        "err.name_invalid",
        "Use at most 100 characters, without control characters.",
        "Use como máximo 100 caracteres, sin caracteres de control.",
    ),
    (
        "err.country_invalid",
        "Use the two-letter country code, e.g. GB.",
        "Use el código de país de dos letras, p. ej. ES.",
    ),
    (
        "err.phone_invalid",
        "Use the international format: + then 7 to 15 digits.",
        "Use el formato internacional: + y de 7 a 15 dígitos.",
    ),
    (
        "err.referral_invalid",
        "A referral code has 8 letters and digits.",
        "Un código de referido tiene 8 letras y dígitos.",
    ),
    (
        "err.referral_unknown",
        "No client has this referral code.",
        "Ningún cliente tiene este código de referido.",
    ),
    (
        "err.kind_invalid",
        "Choose trader or IB.",
        "Elija trader o IB.",
    ),
    (
        "err.locale_invalid",
        "This language is not available.",
        "Este idioma no está disponible.",
    ),
    (
        "err.bad_credentials",
        "Wrong email or password.",
        "Correo o contraseña incorrectos.",
    ),
    (
        "err.locked",
        "Too many failed sign-ins. Try again in {minutes} minutes.",
        "Demasiados intentos fallidos. Vuelva a intentarlo en {minutes} minutos.",
    ),
    (
        "err.rate_limited",
        "Too many attempts. Please wait a while and try again.",
        "Demasiados intentos. Espere un momento e inténtelo de nuevo.",
    ),
    (
        "err.disabled",
        "This account is disabled. Contact support.",
        "Esta cuenta está desactivada. Contacte con soporte.",
    ),
    (
        "err.wrong_portal",
        "This account signs in on the other portal: staff at /admin, clients at /login.",
        "Esta cuenta inicia sesión en el otro portal: el personal en /admin, los clientes en /login.",
    ),
    (
        "err.invalid_token",
        "This link is invalid, already used or expired. Ask for a new one.",
        "Este enlace no es válido, ya se usó o ha caducado. Solicite uno nuevo.",
    ),
    (
        "err.cross_origin",
        "This request came from another website and was refused.",
        "Esta solicitud procede de otro sitio web y se ha rechazado.",
    ),
    ("err.sign_in", "Please sign in.", "Inicie sesión."),
    (
        "err.forbidden",
        "You are not allowed to do this.",
        "No tiene permiso para hacer esto.",
    ),
    ("err.not_found", "Not found.", "No encontrado."),
    (
        "err.invalid",
        "Please correct the highlighted fields.",
        "Corrija los campos marcados.",
    ),
    (
        "err.bad_request",
        "The request could not be read. Reload the page and try again.",
        "No se pudo leer la solicitud. Recargue la página e inténtelo de nuevo.",
    ),
    (
        "err.conflict",
        "Someone else changed this at the same moment. Reload to see the result.",
        "Otra persona cambió esto al mismo tiempo. Recargue para ver el resultado.",
    ),
    (
        "err.internal",
        "Something went wrong on our side. Please try again.",
        "Algo falló por nuestra parte. Inténtelo de nuevo.",
    ),
    (
        "err.network",
        "The server could not be reached. Check your connection.",
        "No se pudo contactar con el servidor. Compruebe su conexión.",
    ),
    (
        "err.totp_format",
        "Enter the 6 digits shown by your app.",
        "Introduzca los 6 dígitos que muestra su aplicación.",
    ),
    (
        "err.totp_wrong",
        "That code is not right or has expired.",
        "Ese código no es correcto o ha caducado.",
    ),
    (
        "err.totp_already",
        "Two-factor authentication is already on.",
        "La verificación en dos pasos ya está activada.",
    ),
    (
        "err.totp_not_started",
        "Start the setup first.",
        "Inicie primero la configuración.",
    ),
    (
        "err.totp_not_enabled",
        "Two-factor authentication is not on.",
        "La verificación en dos pasos no está activada.",
    ),
    (
        "err.own_account",
        "You cannot do this to your own account.",
        "No puede hacer esto con su propia cuenta.",
    ),
    (
        "err.own_role",
        "You cannot change your own role.",
        "No puede cambiar su propio rol.",
    ),
    (
        "err.role_unknown",
        "Choose an existing role.",
        "Elija un rol existente.",
    ),
    (
        "err.role_name_taken",
        "Another role has this name.",
        "Otro rol tiene este nombre.",
    ),
    (
        "err.role_system",
        "The Administrator role cannot be changed or deleted.",
        "El rol Administrador no se puede cambiar ni eliminar.",
    ),
    (
        "err.role_in_use",
        "Staff users still have this role. Move them to another role first.",
        "Hay usuarios del personal con este rol. Páselos primero a otro rol.",
    ),
    (
        "err.permission_unknown",
        "Unknown permission.",
        "Permiso desconocido.",
    ),
    (
        "err.permissions_empty",
        "Choose at least one permission.",
        "Elija al menos un permiso.",
    ),
    (
        "err.amount_invalid",
        "Enter an amount like 250 or 99.95.",
        "Introduzca un importe como 250 o 99.95.",
    ),
    (
        "err.amount_not_positive",
        "The amount must be more than zero.",
        "El importe debe ser mayor que cero.",
    ),
    (
        "err.amount_decimals",
        "Too many decimals for this currency.",
        "Demasiados decimales para esta moneda.",
    ),
    (
        "err.amount_too_large",
        "The amount is too large.",
        "El importe es demasiado grande.",
    ),
    (
        "err.insufficient_funds",
        "Not enough available funds.",
        "No hay fondos disponibles suficientes.",
    ),
    (
        "err.currency_mismatch",
        "The accounts are in another currency.",
        "Las cuentas están en otra moneda.",
    ),
    (
        "err.account_unknown",
        "Unknown account.",
        "Cuenta desconocida.",
    ),
    (
        "err.idempotency_key",
        "A request key (1 to 128 characters) is required.",
        "Se necesita una clave de solicitud (de 1 a 128 caracteres).",
    ),
    (
        "err.idempotency_mismatch",
        "This request key was already used for a different request.",
        "Esta clave de solicitud ya se usó para otra solicitud.",
    ),
    (
        "err.entry_legs",
        "A movement needs at least two non-zero legs.",
        "Un movimiento necesita al menos dos partidas distintas de cero.",
    ),
    (
        "err.entry_unbalanced",
        "The movement does not balance.",
        "El movimiento no cuadra.",
    ),
    (
        "err.hold_resolved",
        "This hold was already released or captured.",
        "Esta retención ya se liberó o se ejecutó.",
    ),
    (
        "err.pending_approval",
        "Your registration is awaiting approval. You can sign in once the firm approves it.",
        "Su registro está pendiente de aprobación. Podrá iniciar sesión cuando la firma lo apruebe.",
    ),
    (
        "err.registration_rejected",
        "Your registration was not approved. Please contact support.",
        "Su registro no fue aprobado. Póngase en contacto con soporte.",
    ),
    (
        "err.kyc_required",
        "This needs approved identity verification (KYC). Complete it on the Verification page.",
        "Esto requiere una verificación de identidad (KYC) aprobada. Complétela en la página de Verificación.",
    ),
    (
        "err.request_decided",
        "Someone has already acted on this request; reload to see where it stands.",
        "Alguien ya actuó sobre esta solicitud; recargue para ver su estado.",
    ),
    (
        "err.not_cancellable",
        "This request can no longer be cancelled.",
        "Esta solicitud ya no se puede cancelar.",
    ),
    (
        "err.payment_not_received",
        "The payment has not been received: set the payment status to paid first.",
        "El pago no se ha recibido: marque primero el estado de pago como pagado.",
    ),
    (
        "err.payment_already_reported",
        "The payment provider has already reported this payment.",
        "El proveedor de pagos ya informó de este pago.",
    ),
    (
        "err.payment_status_unknown",
        "Choose pending, paid or failed.",
        "Elija pendiente, pagado o fallido.",
    ),
    (
        "err.payment_status_unchanged",
        "The payment already has this status.",
        "El pago ya tiene este estado.",
    ),
    (
        "err.no_payment_status",
        "This request has no payment status.",
        "Esta solicitud no tiene estado de pago.",
    ),
    (
        "err.amount_not_editable",
        "The amount of this kind of request cannot be edited.",
        "El importe de este tipo de solicitud no se puede editar.",
    ),
    (
        "err.amount_unchanged",
        "That is already the amount.",
        "Ese ya es el importe.",
    ),
    (
        "err.amount_below_min",
        "The amount is below this method's minimum.",
        "El importe es inferior al mínimo de este método.",
    ),
    (
        "err.amount_above_max",
        "The amount is above this method's maximum.",
        "El importe supera el máximo de este método.",
    ),
    (
        "err.amount_below_fee",
        "The amount does not cover the fee.",
        "El importe no cubre la comisión.",
    ),
    (
        "err.amount_too_small_to_convert",
        "The amount is too small to convert at this rate.",
        "El importe es demasiado pequeño para convertirlo a este tipo.",
    ),
    (
        "err.reason_required",
        "Give a reason: the client sees it.",
        "Indique un motivo: el cliente lo verá.",
    ),
    (
        "err.comment_required",
        "A comment is required.",
        "Se requiere un comentario.",
    ),
    ("err.too_long", "This is too long.", "Es demasiado largo."),
    (
        "err.too_many_pending",
        "You already have the most pending requests of this kind allowed. Wait for them to be decided or cancel one.",
        "Ya tiene el máximo de solicitudes pendientes de este tipo. Espere a que se resuelvan o cancele una.",
    ),
    (
        "err.currency_unknown",
        "Choose one of the supported currencies.",
        "Elija una de las monedas admitidas.",
    ),
    (
        "err.same_currency",
        "Choose two different currencies.",
        "Elija dos monedas distintas.",
    ),
    (
        "err.rate_missing",
        "The firm has no exchange rate for these currencies.",
        "La firma no tiene un tipo de cambio para estas monedas.",
    ),
    (
        "err.rate_invalid",
        "Enter a positive rate with up to 8 decimals.",
        "Introduzca un tipo positivo con hasta 8 decimales.",
    ),
    (
        "err.third_party_disabled",
        "Transfers to other clients are not enabled.",
        "Las transferencias a otros clientes no están habilitadas.",
    ),
    (
        "err.third_party_same_currency",
        "Transfers to other clients stay in one currency.",
        "Las transferencias a otros clientes son en una sola moneda.",
    ),
    (
        "err.recipient_self",
        "Use a transfer between your own wallets instead.",
        "Use una transferencia entre sus propias billeteras.",
    ),
    (
        "err.recipient_unknown",
        "No active client has this email or user ID.",
        "Ningún cliente activo tiene este correo o ID de usuario.",
    ),
    (
        "err.method_unavailable",
        "This method is not available to you.",
        "Este método no está disponible para usted.",
    ),
    (
        "err.method_unknown",
        "Choose automatic, manual or partial.",
        "Elija automática, manual o parcial.",
    ),
    (
        "err.method_withdrawal_manual",
        "Withdrawals are always approved by a person.",
        "Los retiros siempre los aprueba una persona.",
    ),
    (
        "err.method_partial_deposit_only",
        "Partial approval is for deposits only.",
        "La aprobación parcial es solo para depósitos.",
    ),
    (
        "err.method_kind_unknown",
        "Choose a kind that fits the direction.",
        "Elija un tipo acorde a la dirección.",
    ),
    (
        "err.threshold_positive",
        "The threshold must be above zero.",
        "El umbral debe ser mayor que cero.",
    ),
    (
        "err.too_many_levels",
        "At most five approval levels.",
        "Como máximo cinco niveles de aprobación.",
    ),
    (
        "err.level_empty",
        "Each level needs at least one role or staff member.",
        "Cada nivel necesita al menos un rol o miembro del personal.",
    ),
    (
        "err.reviewer_unknown",
        "A level names a role or staff member that does not exist.",
        "Un nivel nombra un rol o miembro del personal que no existe.",
    ),
    (
        "err.kind_unknown",
        "Unknown request type.",
        "Tipo de solicitud desconocido.",
    ),
    (
        "err.direction_unknown",
        "Choose a direction.",
        "Elija una dirección.",
    ),
    (
        "err.name_length",
        "Enter a name of up to 60 characters.",
        "Introduzca un nombre de hasta 60 caracteres.",
    ),
    (
        "err.name_taken",
        "This name is already used.",
        "Este nombre ya está en uso.",
    ),
    (
        "err.default_group_needed",
        "One group must be the default: make another group the default instead.",
        "Un grupo debe ser el predeterminado: marque otro grupo como predeterminado.",
    ),
    (
        "err.group_unknown",
        "Unknown client group.",
        "Grupo de clientes desconocido.",
    ),
    (
        "err.max_below_min",
        "The maximum is below the minimum.",
        "El máximo es inferior al mínimo.",
    ),
    (
        "err.fee_bps_range",
        "The fee must be between 0 and 5000 hundredths of a percent (50%).",
        "La comisión debe estar entre 0 y 5000 centésimas de porcentaje (50 %).",
    ),
    (
        "err.max_pending_range",
        "Between 1 and 100.",
        "Entre 1 y 100.",
    ),
    (
        "err.kyc_action_unknown",
        "Unknown action.",
        "Acción desconocida.",
    ),
    (
        "err.kyc_pending",
        "Your verification is under review; you can edit it only if it is rejected.",
        "Su verificación está en revisión; solo puede editarla si es rechazada.",
    ),
    (
        "err.kyc_approved",
        "Your verification is already approved.",
        "Su verificación ya está aprobada.",
    ),
    (
        "err.kyc_form_unknown",
        "Choose a verification form.",
        "Elija un formulario de verificación.",
    ),
    (
        "err.kyc_form_empty",
        "A form needs at least one field or document.",
        "Un formulario necesita al menos un campo o documento.",
    ),
    (
        "err.kyc_item_invalid",
        "Each item needs a unique key (letters, digits, _) and a label.",
        "Cada elemento necesita una clave única (letras, dígitos, _) y una etiqueta.",
    ),
    (
        "err.kyc_unexpected_item",
        "The form has changed; reload the page.",
        "El formulario ha cambiado; recargue la página.",
    ),
    (
        "err.document_required",
        "Upload this document.",
        "Suba este documento.",
    ),
    (
        "err.upload_unknown",
        "Upload the file again.",
        "Vuelva a subir el archivo.",
    ),
    (
        "err.file_empty",
        "The file is empty.",
        "El archivo está vacío.",
    ),
    (
        "err.file_too_big",
        "The file is larger than 5 MB.",
        "El archivo supera los 5 MB.",
    ),
    (
        "err.file_type",
        "Upload a PDF, PNG or JPEG file.",
        "Suba un archivo PDF, PNG o JPEG.",
    ),
    (
        "err.file_unreadable",
        "The upload could not be read; try again.",
        "No se pudo leer el archivo; inténtelo de nuevo.",
    ),
    (
        "err.purpose_unknown",
        "Unknown kind of upload.",
        "Tipo de archivo desconocido.",
    ),
    (
        "err.destination_unknown",
        "Choose one of your saved destinations.",
        "Elija uno de sus destinos guardados.",
    ),
    (
        "err.destination_kind",
        "This destination does not fit the method.",
        "Este destino no corresponde al método.",
    ),
    (
        "err.card_invalid",
        "Enter a valid card number.",
        "Introduzca un número de tarjeta válido.",
    ),
    (
        "err.address_invalid",
        "Enter a valid wallet address (26 to 64 letters and digits).",
        "Introduzca una dirección válida (26 a 64 letras y dígitos).",
    ),
    (
        "err.network_unknown",
        "Choose TRC20, ERC20, BEP20 or SOL.",
        "Elija TRC20, ERC20, BEP20 o SOL.",
    ),
    (
        "err.too_many_destinations",
        "You have saved the most destinations allowed; remove one first.",
        "Ha guardado el máximo de destinos; elimine uno primero.",
    ),
    ("err.already_ib", "You are already an IB.", "Ya es IB."),
    (
        "err.challenge_unknown",
        "This challenge is not available.",
        "Este desafío no está disponible.",
    ),
    (
        "err.challenge_terminated",
        "This challenge has ended and takes no new participants.",
        "Este desafío terminó y no admite nuevos participantes.",
    ),
    (
        "err.challenge_not_published",
        "Only a published challenge can be terminated.",
        "Solo se puede terminar un desafío publicado.",
    ),
    (
        "err.challenge_changed",
        "Someone else published this challenge meanwhile; reload it.",
        "Otra persona publicó este desafío mientras tanto; recárguelo.",
    ),
    (
        "err.nothing_to_publish",
        "There are no unpublished changes.",
        "No hay cambios sin publicar.",
    ),
    (
        "err.no_draft_to_discard",
        "There is no draft to discard.",
        "No hay borrador que descartar.",
    ),
    (
        "err.action_unknown",
        "Unknown action.",
        "Acción desconocida.",
    ),
    (
        "err.package_unknown",
        "Choose one of the challenge's packages.",
        "Elija uno de los paquetes del desafío.",
    ),
    (
        "err.pay_method_off",
        "This challenge cannot be paid that way.",
        "Este desafío no se puede pagar de esa forma.",
    ),
    (
        "err.pay_method_unknown",
        "Choose to pay from your wallet or directly.",
        "Elija pagar con su billetera o directamente.",
    ),
    (
        "err.fee_exceeds_wallet",
        "Your wallet does not hold enough for the fee. Deposit first or pay directly.",
        "Su billetera no tiene suficiente para la tarifa. Deposite primero o pague directamente.",
    ),
    (
        "err.not_in_progress",
        "Only a participant in progress can be advanced.",
        "Solo se puede avanzar a un participante en curso.",
    ),
    (
        "err.open_positions",
        "Close the account's open positions first.",
        "Cierre primero las posiciones abiertas de la cuenta.",
    ),
    (
        "err.retry_not_failed",
        "Only a failed stage can be retried.",
        "Solo se puede reintentar una fase no superada.",
    ),
    (
        "err.retry_exhausted",
        "No retries are left for this stage.",
        "No quedan reintentos para esta fase.",
    ),
    (
        "err.status_unknown",
        "Unknown status.",
        "Estado desconocido.",
    ),
    (
        "err.account_not_tradable",
        "This account is disabled: its stage has ended.",
        "Esta cuenta está desactivada: su fase terminó.",
    ),
    (
        "err.position_closed",
        "This position is already closed.",
        "Esta posición ya está cerrada.",
    ),
    (
        "err.not_enough_margin",
        "Not enough free margin for this volume.",
        "No hay margen libre suficiente para este volumen.",
    ),
    (
        "err.symbol_unknown",
        "Choose one of the listed symbols.",
        "Elija uno de los símbolos de la lista.",
    ),
    (
        "err.side_unknown",
        "Choose buy or sell.",
        "Elija comprar o vender.",
    ),
    (
        "err.price_invalid",
        "Enter a positive price.",
        "Introduzca un precio positivo.",
    ),
    (
        "err.price_too_precise",
        "The price has more decimals than the symbol.",
        "El precio tiene más decimales que el símbolo.",
    ),
    (
        "err.volume_invalid",
        "Enter a volume in lots above zero, e.g. 0.10.",
        "Introduzca un volumen en lotes mayor que cero, p. ej. 0.10.",
    ),
    (
        "err.volume_too_precise",
        "Volumes go in steps of 0.01 lots.",
        "Los volúmenes van en pasos de 0,01 lotes.",
    ),
    (
        "err.volume_too_large",
        "At most 100 lots per order.",
        "Como máximo 100 lotes por orden.",
    ),
    (
        "err.sl_wrong_side",
        "The stop loss must be on the losing side of the current price.",
        "El stop loss debe estar del lado perdedor del precio actual.",
    ),
    (
        "err.tp_wrong_side",
        "The take profit must be on the winning side of the current price.",
        "El take profit debe estar del lado ganador del precio actual.",
    ),
    (
        "err.time_zone_unknown",
        "Unknown time zone: use an IANA name such as Europe/London.",
        "Zona horaria desconocida: use un nombre IANA como Europe/London.",
    ),
    (
        "err.day_end_invalid",
        "Give the time as HH:MM, from 00:00 to 23:59.",
        "Indique la hora como HH:MM, de 00:00 a 23:59.",
    ),
    (
        "err.challenge_name_too_long",
        "The name can be at most 100 characters.",
        "El nombre puede tener como máximo 100 caracteres.",
    ),
    (
        "err.challenge_types_too_many",
        "A challenge can have at most 10 types.",
        "Un desafío puede tener como máximo 10 tipos.",
    ),
    (
        "err.challenge_type_length",
        "Each type must be 1 to 30 characters.",
        "Cada tipo debe tener entre 1 y 30 caracteres.",
    ),
    (
        "err.challenge_type_duplicate",
        "A type is listed twice.",
        "Hay un tipo repetido.",
    ),
    (
        "err.challenge_url_invalid",
        "The address must start with https:// or / (a page of this site).",
        "La dirección debe empezar por https:// o / (una página de este sitio).",
    ),
    (
        "err.challenge_url_too_long",
        "The address can be at most 500 characters.",
        "La dirección puede tener como máximo 500 caracteres.",
    ),
    (
        "err.challenge_details_language",
        "Details can only be written in English (en) or Spanish (es).",
        "Los detalles solo pueden estar en inglés (en) o español (es).",
    ),
    (
        "err.challenge_details_too_long",
        "The details can be at most 20,000 characters.",
        "Los detalles pueden tener como máximo 20.000 caracteres.",
    ),
    (
        "err.challenge_packages_none",
        "Add at least one package.",
        "Añada al menos un paquete.",
    ),
    (
        "err.challenge_packages_too_many",
        "A challenge can have at most 10 packages.",
        "Un desafío puede tener como máximo 10 paquetes.",
    ),
    (
        "err.challenge_payment_none",
        "Allow at least one way to pay: from the wallet or directly.",
        "Permita al menos una forma de pago: desde la billetera o directamente.",
    ),
    (
        "err.challenge_group_duplicate",
        "A client group is listed twice.",
        "Hay un grupo de clientes repetido.",
    ),
    (
        "err.package_key_invalid",
        "The key must be 1 to 20 letters, digits, - or _.",
        "La clave debe tener de 1 a 20 letras, dígitos, - o _.",
    ),
    (
        "err.package_key_duplicate",
        "Another package already has this key.",
        "Otro paquete ya tiene esta clave.",
    ),
    (
        "err.package_name_too_long",
        "The package name can be at most 100 characters.",
        "El nombre del paquete puede tener como máximo 100 caracteres.",
    ),
    (
        "err.package_name_duplicate",
        "Another package already has this name.",
        "Otro paquete ya tiene este nombre.",
    ),
    (
        "err.package_leverage_range",
        "Leverage must be from 1 to 1000.",
        "El apalancamiento debe estar entre 1 y 1000.",
    ),
    (
        "err.package_stages_none",
        "A package needs at least one stage.",
        "Un paquete necesita al menos una fase.",
    ),
    (
        "err.package_stages_too_many",
        "A package can have at most 5 stages.",
        "Un paquete puede tener como máximo 5 fases.",
    ),
    (
        "err.fee_negative",
        "A fee cannot be negative.",
        "Una tarifa no puede ser negativa.",
    ),
    (
        "err.stage_percent_range",
        "Must be more than 0% and at most 100%.",
        "Debe ser mayor que 0 % y como máximo 100 %.",
    ),
    (
        "err.stage_max_loss_not_above_daily",
        "Must be larger than the maximum daily loss.",
        "Debe ser mayor que la pérdida diaria máxima.",
    ),
    (
        "err.stage_period_range",
        "The trading period must be from 1 to 3650 days.",
        "El periodo de trading debe estar entre 1 y 3650 días.",
    ),
    (
        "err.stage_min_days_above_period",
        "Cannot be more than the days in the trading period.",
        "No puede superar los días del periodo de trading.",
    ),
    (
        "err.stage_demo_needs_target",
        "A demo stage needs a profit target, or it could never be passed.",
        "Una fase demo necesita un objetivo de beneficio; si no, nunca se podría superar.",
    ),
    (
        "err.stage_live_not_last",
        "A live stage must be the last stage; it can only be the first in a one-step challenge.",
        "Una fase real debe ser la última; solo puede ser la primera en un desafío de una fase.",
    ),
    (
        "err.stage_attempts_range",
        "Attempts must be from 1 to 20.",
        "Los intentos deben estar entre 1 y 20.",
    ),
    (
        "err.stage_profit_share_demo",
        "Only live stages have a profit share.",
        "Solo las fases reales tienen reparto de beneficios.",
    ),
    (
        "err.bridge_auth",
        "The request is not signed by a known, enabled bridge: check X-Bridge, X-Timestamp, X-Nonce and X-Signature.",
        "La solicitud no está firmada por un puente conocido y activo: revise X-Bridge, X-Timestamp, X-Nonce y X-Signature.",
    ),
    (
        "err.bridge_clock",
        "X-Timestamp is more than 300 seconds away from the server's clock.",
        "X-Timestamp se aleja más de 300 segundos del reloj del servidor.",
    ),
    (
        "err.bridge_replay",
        "This nonce was already used: sign every request with a new X-Nonce.",
        "Este nonce ya se usó: firme cada solicitud con un X-Nonce nuevo.",
    ),
    (
        "err.bridge_rate_limited",
        "Too many requests from this bridge: slow down and retry after the Retry-After seconds.",
        "Demasiadas solicitudes de este puente: reduzca el ritmo y reintente tras los segundos de Retry-After.",
    ),
    (
        "err.bridge_name_invalid",
        "Use 1 to 60 letters, digits, dots, dashes or underscores.",
        "Use de 1 a 60 letras, dígitos, puntos, guiones o guiones bajos.",
    ),
    (
        "err.bridge_invalid",
        "The request has invalid fields: see fields.",
        "La solicitud tiene campos no válidos: vea fields.",
    ),
    (
        "err.login_unknown",
        "No account with this login is on this bridge.",
        "No hay ninguna cuenta con este usuario en este puente.",
    ),
    (
        "err.login_invalid",
        "A login has at most 64 characters, without spaces.",
        "Un usuario tiene como máximo 64 caracteres, sin espacios.",
    ),
    (
        "err.command_unknown",
        "No command with this ID is on this bridge.",
        "No hay ningún comando con este ID en este puente.",
    ),
    (
        "err.seq_invalid",
        "The sequence number must be a whole number above zero.",
        "El número de secuencia debe ser un entero mayor que cero.",
    ),
    (
        "err.seq_stale",
        "The sequence number is not above the last one applied to this account: the update is out of order or already applied.",
        "El número de secuencia no supera el último aplicado a esta cuenta: la actualización llega desordenada o ya se aplicó.",
    ),
    (
        "err.time_invalid",
        "Enter a date and time in RFC 3339, e.g. 2026-11-23T16:00:00Z.",
        "Introduzca una fecha y hora en RFC 3339, p. ej. 2026-11-23T16:00:00Z.",
    ),
    (
        "err.time_future",
        "This time is more than five minutes ahead of the server's clock.",
        "Esta hora va más de cinco minutos por delante del reloj del servidor.",
    ),
    (
        "err.amount_range",
        "The amount is out of range (minor units, at most 10^15; margins are not negative).",
        "El importe está fuera de rango (unidades menores, como máximo 10^15; los márgenes no son negativos).",
    ),
    (
        "err.positions_range",
        "Open positions must be between 0 and 10,000.",
        "Las posiciones abiertas deben estar entre 0 y 10.000.",
    ),
    (
        "err.price_decimals",
        "A price has at most eight decimals.",
        "Un precio tiene como máximo ocho decimales.",
    ),
    (
        "err.ticket_invalid",
        "A ticket has 1 to 64 letters, digits or _ - . : characters.",
        "Un ticket tiene de 1 a 64 letras, dígitos o caracteres _ - . :",
    ),
    (
        "err.entry_unknown",
        "The entry must be in (a trade opened) or out (a trade closed).",
        "La entrada debe ser in (operación abierta) u out (operación cerrada).",
    ),
    (
        "err.symbol_invalid",
        "A symbol has at most 32 characters, without spaces.",
        "Un símbolo tiene como máximo 32 caracteres, sin espacios.",
    ),
    (
        "err.closed_before_opened",
        "A deal cannot close before it opened.",
        "Una operación no puede cerrarse antes de abrirse.",
    ),
    (
        "err.limit_range",
        "The limit must be between 1 and 100.",
        "El límite debe estar entre 1 y 100.",
    ),
    (
        "err.json_malformed",
        "The body is not a well-formed JSON object.",
        "El cuerpo no es un objeto JSON bien formado.",
    ),
    (
        "err.json_type",
        "This field has the wrong type.",
        "Este campo tiene un tipo incorrecto.",
    ),
    (
        "err.body_too_large",
        "The body is larger than 64 KiB.",
        "El cuerpo supera los 64 KiB.",
    ),
    (
        "err.batch_size",
        "Send between 1 and 400 snapshots in a batch.",
        "Envíe entre 1 y 400 instantáneas por lote.",
    ),
    // Errors
    (
        "err.split_negative_profit",
        "A split needs a profit of zero or more.",
        "Un reparto necesita un beneficio de cero o más.",
    ),
    (
        "err.split_share_range",
        "Each share must be between 0% and 100%.",
        "Cada parte debe estar entre 0% y 100%.",
    ),
    (
        "err.split_over_100",
        "The shares add up to more than 100% of the profit.",
        "Las partes suman más del 100% del beneficio.",
    ),
    (
        "err.alert_too_many",
        "At most five warning levels.",
        "Como máximo cinco niveles de aviso.",
    ),
    (
        "err.alert_share_range",
        "Each warning level must be above 0% and below 100% of the limit (100% is the breach itself).",
        "Cada nivel de aviso debe estar por encima del 0% y por debajo del 100% del límite (el 100% es el incumplimiento).",
    ),
    (
        "err.alert_days_range",
        "Warn between 0 and 30 days before the period ends.",
        "Avise entre 0 y 30 días antes del final del periodo.",
    ),
    (
        "err.alert_environment",
        "Choose all accounts, demo or live.",
        "Elija todas las cuentas, demo o reales.",
    ),
    (
        "err.alert_threshold",
        "The amount must be above zero and within the largest amount allowed.",
        "El importe debe ser mayor que cero y no superar el máximo permitido.",
    ),
    (
        "err.alert_threshold_pct",
        "The percentage must be above 0% and at most 10,000%.",
        "El porcentaje debe ser mayor que 0% y como máximo 10.000%.",
    ),
    (
        "err.alert_step",
        "The step cannot be negative.",
        "El escalón no puede ser negativo.",
    ),
    (
        "err.alert_kind_unknown",
        "Choose what the rule watches.",
        "Elija qué vigila la regla.",
    ),
    (
        "err.alert_source_unknown",
        "Unknown alert source.",
        "Origen de alerta desconocido.",
    ),
    (
        "err.date_invalid",
        "Enter a date as YYYY-MM-DD.",
        "Introduzca una fecha como AAAA-MM-DD.",
    ),
    (
        "err.date_range",
        "The end date is before the start date.",
        "La fecha final es anterior a la inicial.",
    ),
    (
        "err.data_type_unknown",
        "The data type is real or demo.",
        "El tipo de datos es real o demo.",
    ),
    (
        "err.filter_invalid",
        "This filter value cannot exist.",
        "Este valor de filtro no puede existir.",
    ),
    (
        "err.fee_kind_unknown",
        "Unknown fee kind.",
        "Tipo de tarifa desconocido.",
    ),
    (
        "err.settlement_no_terms",
        "This participant's current stage has no profit share.",
        "La fase actual de este participante no tiene reparto de beneficios.",
    ),
    (
        "err.settlement_not_running",
        "Only a running funded stage can be settled.",
        "Solo se puede liquidar una fase financiada en curso.",
    ),
    (
        "err.period_settled",
        "This period is already settled; the next settlement is at the end of the next period.",
        "Este periodo ya está liquidado; la próxima liquidación es al final del siguiente periodo.",
    ),
    (
        "err.settlement_open_positions",
        "Close every open position before settling: a floating result is not a profit yet.",
        "Cierre todas las posiciones antes de liquidar: un resultado flotante aún no es beneficio.",
    ),
    (
        "err.settlement_platform_pending",
        "The trading platform has not yet confirmed the previous payout.",
        "La plataforma aún no ha confirmado el pago anterior.",
    ),
    (
        "err.settlement_no_profit",
        "There is no profit above the high-water mark to settle.",
        "No hay beneficio por encima de la marca máxima que liquidar.",
    ),
    (
        "err.settlement_decided",
        "This payout was already decided.",
        "Este pago ya se decidió.",
    ),
    (
        "err.commission_above_fee",
        "A rebate cannot be more than the fee.",
        "Una comisión no puede superar la tarifa.",
    ),
    (
        "err.commission_levels_above_fee",
        "The levels together pay more than the fee.",
        "Los niveles juntos pagan más que la tarifa.",
    ),
    (
        "err.commission_levels_too_many",
        "Too many levels (at most 20).",
        "Demasiados niveles (máximo 20).",
    ),
    (
        "err.commission_over_100",
        "A percentage cannot be above 100%.",
        "Un porcentaje no puede superar el 100%.",
    ),
    (
        "err.commission_positive",
        "Enter an amount or a percentage above zero.",
        "Introduzca un importe o porcentaje mayor que cero.",
    ),
    (
        "err.commission_tier_duplicate",
        "This tier already has a rebate.",
        "Este nivel ya tiene una comisión.",
    ),
    (
        "err.group_limit_range",
        "Enter a whole number in range, or leave it empty for no limit.",
        "Introduzca un número entero válido o déjelo vacío para no limitar.",
    ),
    (
        "err.link_challenge_unpublished",
        "Choose a published challenge.",
        "Elija un desafío publicado.",
    ),
    (
        "err.link_code_taken",
        "That link code is taken; try again.",
        "Ese código de enlace ya existe; inténtelo de nuevo.",
    ),
    (
        "err.link_invalid",
        "This invitation link is not valid.",
        "Este enlace de invitación no es válido.",
    ),
    (
        "err.link_target_unknown",
        "Choose where the link leads.",
        "Elija a dónde lleva el enlace.",
    ),
    (
        "err.rank_set_taken",
        "A rank set with this name exists.",
        "Ya existe un conjunto de rangos con este nombre.",
    ),
    (
        "err.rank_set_unknown",
        "Choose an existing rank set.",
        "Elija un conjunto de rangos existente.",
    ),
    (
        "err.rank_tier_duplicate",
        "Two tiers have this name.",
        "Dos niveles tienen este nombre.",
    ),
    (
        "err.rank_tier_held",
        "An IB holds a tier you removed; give them another tier first.",
        "Un IB tiene un nivel que eliminó; asígnele otro primero.",
    ),
    (
        "err.rank_tier_not_in_set",
        "This tier is not in the chosen rank set.",
        "Este nivel no pertenece al conjunto de rangos elegido.",
    ),
    (
        "err.rank_tier_unknown",
        "This tier does not exist.",
        "Este nivel no existe.",
    ),
    (
        "err.rank_tiers_none",
        "A rank set needs at least one tier.",
        "Un conjunto de rangos necesita al menos un nivel.",
    ),
    (
        "err.rank_tiers_too_many",
        "Too many tiers (at most 20).",
        "Demasiados niveles (máximo 20).",
    ),
    (
        "err.referral_loop",
        "That would put the client under themselves or one of their own clients.",
        "Eso pondría al cliente bajo sí mismo o bajo uno de sus propios clientes.",
    ),
    (
        "err.referrer_unknown",
        "No client has this id.",
        "Ningún cliente tiene este id.",
    ),
    (
        "err.stage_referrer_share_without_split",
        "Referrers' shares need a trader's share on the stage.",
        "Las participaciones de referidos requieren una participación del trader en la fase.",
    ),
    (
        "err.discount_above_price",
        "A fixed discount cannot be more than the price of a package it applies to.",
        "Un descuento fijo no puede superar el precio de un paquete al que se aplica.",
    ),
    (
        "err.discount_currency",
        "A fixed discount applies only to packages priced in its currency.",
        "Un descuento fijo solo se aplica a paquetes con precio en su moneda.",
    ),
    (
        "err.discount_over_100",
        "A discount cannot be more than 100%.",
        "Un descuento no puede superar el 100%.",
    ),
    (
        "err.discount_positive",
        "Enter a discount above zero.",
        "Introduzca un descuento mayor que cero.",
    ),
    (
        "err.use_limit_positive",
        "A use count must be at least 1 (or unlimited).",
        "El número de usos debe ser al menos 1 (o ilimitado).",
    ),
    (
        "err.validity_order",
        "The end of the validity period must be after its start.",
        "El fin del período de validez debe ser posterior a su inicio.",
    ),
    (
        "err.discount_invalid",
        "Type a percentage such as 15% or an amount such as 10.00.",
        "Escriba un porcentaje como 15% o un importe como 10.00.",
    ),
    (
        "err.promo_code_enabled",
        "An enabled promo code cannot be deleted; disable it first.",
        "Un código promocional habilitado no se puede eliminar; deshabilítelo primero.",
    ),
    (
        "err.promo_code_frozen",
        "A promo code cannot be changed once it has been enabled.",
        "Un código promocional no se puede modificar una vez habilitado.",
    ),
    (
        "err.promo_code_invalid",
        "A promo code has 3 to 32 letters, digits, hyphens or underscores.",
        "Un código promocional tiene de 3 a 32 letras, cifras, guiones o guiones bajos.",
    ),
    (
        "err.promo_code_state",
        "The promo code cannot move to that state from where it is.",
        "El código promocional no puede pasar a ese estado desde el actual.",
    ),
    (
        "err.promo_code_taken",
        "Another promo code already uses this code.",
        "Otro código promocional ya usa este código.",
    ),
    (
        "err.promo_code_unknown",
        "This promo code is not valid now.",
        "Este código promocional no es válido ahora.",
    ),
    (
        "err.promo_code_currency",
        "This promo code does not apply to a price in this currency.",
        "Este código promocional no se aplica a un precio en esta moneda.",
    ),
    (
        "err.promo_code_used_up",
        "You have already used this promo code as often as it allows.",
        "Ya ha usado este código promocional tantas veces como permite.",
    ),
    (
        "err.text_invalid",
        "Use at most 500 characters, without control characters.",
        "Use como máximo 500 caracteres, sin caracteres de control.",
    ),
    (
        "err.audience_unknown",
        "Choose who receives it.",
        "Elija quién lo recibe.",
    ),
    (
        "err.audience_empty",
        "Choose at least one client group or client.",
        "Elija al menos un grupo de clientes o un cliente.",
    ),
    (
        "err.client_unknown",
        "One of these e-mail addresses is not a client's.",
        "Una de estas direcciones de correo no es de un cliente.",
    ),
    (
        "err.link_unknown",
        "No promotional link in use has this code.",
        "Ningún enlace promocional en uso tiene este código.",
    ),
    (
        "err.coupon_revoked",
        "This coupon has been revoked.",
        "Este cupón ha sido revocado.",
    ),
    (
        "err.coupon_frozen",
        "A coupon cannot be changed once a purchase has used it; revoke it and create another.",
        "Un cupón no se puede modificar una vez usado en una compra; revóquelo y cree otro.",
    ),
    (
        "err.coupon_unknown",
        "This coupon is not one of yours.",
        "Este cupón no es suyo.",
    ),
    (
        "err.coupon_expired",
        "This coupon is not valid now.",
        "Este cupón no es válido ahora.",
    ),
    (
        "err.coupon_not_covered",
        "This coupon does not cover this challenge or package.",
        "Este cupón no cubre este desafío o paquete.",
    ),
    (
        "err.coupon_currency",
        "This coupon does not apply to a price in this currency.",
        "Este cupón no se aplica a un precio en esta moneda.",
    ),
    (
        "err.coupon_used_up",
        "You have already used this coupon as often as it allows.",
        "Ya ha usado este cupón tantas veces como permite.",
    ),
    (
        "err.coupon_exhausted",
        "This coupon has been used as often as it allows.",
        "Este cupón ya se ha usado tantas veces como permite.",
    ),
    (
        "err.promo_code_not_combinable",
        "This promo code cannot be combined with a coupon.",
        "Este código promocional no se puede combinar con un cupón.",
    ),
    (
        "err.colour_invalid",
        "Use a colour such as #2563eb.",
        "Use un color como #2563eb.",
    ),
    (
        "err.notice_text_invalid",
        "Use at most 2000 characters, without control characters.",
        "Use como máximo 2000 caracteres, sin caracteres de control.",
    ),
    (
        "err.notice_link_invalid",
        "Give a page of this site (starting with /) or an https:// address.",
        "Indique una página de este sitio (que empiece por /) o una dirección https://.",
    ),
    (
        "err.template_placeholder",
        "The text uses a placeholder this email does not have; use only those listed.",
        "El texto usa un marcador que este correo no tiene; use solo los indicados.",
    ),
    (
        "err.template_braces",
        "A placeholder is not closed: write it as {name}.",
        "Un marcador no está cerrado: escríbalo como {name}.",
    ),
    (
        "err.template_markup",
        "The markup is unbalanced or not allowed: use <b>, <i>, <p>, <br>, <ul>, <li> and <a href=\"https://…\">, each closed in order.",
        "El marcado no está equilibrado o no se permite: use <b>, <i>, <p>, <br>, <ul>, <li> y <a href=\"https://…\">, cada uno cerrado en orden.",
    ),
    (
        "err.locale_unknown",
        "Choose English or Spanish.",
        "Elija inglés o español.",
    ),
    (
        "err.server_unknown",
        "Choose a trading server that exists.",
        "Elija un servidor de trading existente.",
    ),
    (
        "err.server_disabled",
        "This trading server is disabled: choose another or enable it.",
        "Este servidor de trading está desactivado: elija otro o actívelo.",
    ),
    (
        "err.server_environment",
        "This server runs accounts of the other environment (demo or live).",
        "Este servidor ejecuta cuentas del otro entorno (demo o real).",
    ),
    (
        "err.server_currency",
        "This server doesn't offer the package's currency.",
        "Este servidor no ofrece la moneda del paquete.",
    ),
    (
        "err.server_leverage",
        "This server doesn't offer the package's leverage.",
        "Este servidor no ofrece el apalancamiento del paquete.",
    ),
    (
        "err.server_group",
        "This server has no such account group.",
        "Este servidor no tiene ese grupo de cuentas.",
    ),
    (
        "err.server_name_invalid",
        "Use 1 to 60 characters, with at least one letter or digit.",
        "Use de 1 a 60 caracteres, con al menos una letra o un dígito.",
    ),
    (
        "err.server_leverages_invalid",
        "Give leverages from 1 to 1000, comma-separated.",
        "Indique apalancamientos de 1 a 1000, separados por comas.",
    ),
    (
        "err.server_groups_invalid",
        "Give at most 20 groups of up to 64 characters, comma-separated.",
        "Indique como máximo 20 grupos de hasta 64 caracteres, separados por comas.",
    ),
    (
        "err.server_secs",
        "Give a number of seconds from 10 to 604800 (a week).",
        "Indique un número de segundos de 10 a 604800 (una semana).",
    ),
    (
        "err.account_opening",
        "The account is still being opened: wait for the platform's acknowledgement of its create command.",
        "La cuenta aún se está abriendo: espere la confirmación de la plataforma de su comando de creación.",
    ),
    (
        "err.ack_conflict",
        "This account was already opened under another login, or another account has this login.",
        "Esta cuenta ya se abrió con otro usuario, u otra cuenta tiene este usuario.",
    ),
    (
        "err.ack_error_invalid",
        "Say why in 1 to 500 characters.",
        "Indique el motivo en 1 a 500 caracteres.",
    ),
    (
        "err.password_invalid",
        "Use 1 to 64 characters without control characters.",
        "Use de 1 a 64 caracteres sin caracteres de control.",
    ),
    (
        "err.reset_pending",
        "A new password is already on its way: wait for the platform to confirm it.",
        "Ya hay una nueva contraseña en camino: espere a que la plataforma la confirme.",
    ),
    (
        "err.account_not_open",
        "This account is not open for trading.",
        "Esta cuenta no está abierta para operar.",
    ),
    (
        "err.supervisor_not_staff",
        "The supervisor must be an active staff member.",
        "El supervisor debe ser un miembro activo del personal.",
    ),
    (
        "err.supervisor_loop",
        "That supervisor reports to this person already: a team cannot supervise itself.",
        "Ese supervisor ya depende de esta persona: un equipo no puede supervisarse a sí mismo.",
    ),
    (
        "err.data_scope_unknown",
        "Choose a data scope from the list.",
        "Elija un alcance de datos de la lista.",
    ),
    (
        "err.owner_not_staff",
        "The owner must be an active staff member.",
        "El responsable debe ser un miembro activo del personal.",
    ),
    ("err.tag_required", "Type a tag.", "Escriba una etiqueta."),
    (
        "err.tag_invalid",
        "A tag is up to 32 letters, digits, spaces or dashes.",
        "Una etiqueta tiene hasta 32 letras, dígitos, espacios o guiones.",
    ),
    (
        "err.tag_reserved",
        "That name is a system tag.",
        "Ese nombre es una etiqueta del sistema.",
    ),
    ("err.note_required", "Write the note.", "Escriba la nota."),
    (
        "err.note_too_long",
        "A note is at most 4,000 characters.",
        "Una nota tiene como máximo 4.000 caracteres.",
    ),
    (
        "err.clients_none",
        "Select at least one client.",
        "Seleccione al menos un cliente.",
    ),
    (
        "err.clients_too_many",
        "Select at most 1,000 clients at a time.",
        "Seleccione como máximo 1.000 clientes a la vez.",
    ),
    (
        "err.client_not_active",
        "This client is not active.",
        "Este cliente no está activo.",
    ),
    (
        "err.client_not_suspended",
        "This client is not suspended.",
        "Este cliente no está suspendido.",
    ),
    (
        "err.email_unverified",
        "Verify your email first: enter the code we emailed you.",
        "Verifique primero su correo: introduzca el código que le enviamos.",
    ),
    (
        "err.blocked",
        "Access from this email, address or country is not allowed.",
        "No se permite el acceso desde este correo, dirección o país.",
    ),
    (
        "err.email_blocked",
        "This email address cannot be used to register.",
        "Esta dirección de correo no puede usarse para registrarse.",
    ),
    (
        "err.code_wrong",
        "That code is not right. Check the latest email and try again.",
        "El código no es correcto. Revise el último correo e inténtelo de nuevo.",
    ),
    (
        "err.code_expired",
        "That code has expired or was tried too often. Ask for a new one.",
        "El código caducó o se intentó demasiadas veces. Pida uno nuevo.",
    ),
    (
        "err.resend_limit",
        "Too many codes sent. Wait an hour and try again.",
        "Se enviaron demasiados códigos. Espere una hora e inténtelo de nuevo.",
    ),
    (
        "err.blacklist_kind",
        "Choose email, IP address or country.",
        "Elija correo, dirección IP o país.",
    ),
    (
        "err.blacklist_value",
        "That is not a valid email, domain (@example.com), IP address, network (10.0.0.0/8) or two-letter country code.",
        "No es un correo, dominio (@example.com), dirección IP, red (10.0.0.0/8) ni código de país de dos letras válido.",
    ),
    (
        "err.setting_range",
        "Enter a whole number in the allowed range.",
        "Introduzca un número entero dentro del rango permitido.",
    ),
    (
        "err.session_unknown",
        "That session has ended already.",
        "Esa sesión ya terminó.",
    ),
    (
        "err.blacklist_taken",
        "That entry is on the blacklist already.",
        "Esa entrada ya está en la lista negra.",
    ),
    (
        "err.csv_unreadable",
        "This line could not be read as CSV.",
        "Esta línea no se pudo leer como CSV.",
    ),
    (
        "err.csv_too_long",
        "Import at most 10,000 rows at a time.",
        "Importe como máximo 10.000 filas a la vez.",
    ),
    (
        "err.lead_converted",
        "This lead became a client; edit the client instead.",
        "Este prospecto ya es cliente; edite el cliente.",
    ),
    (
        "err.lead_contact",
        "Give an email or a phone number.",
        "Indique un correo o un teléfono.",
    ),
    (
        "err.lead_unknown",
        "Choose a lead from the list.",
        "Elija un prospecto de la lista.",
    ),
    (
        "err.due_invalid",
        "Enter the date and time it is due.",
        "Indique la fecha y la hora de vencimiento.",
    ),
    (
        "err.assignee_invalid",
        "Assign it to an active staff member you work with.",
        "Asígnela a un miembro activo del personal con quien trabaje.",
    ),
    (
        "err.month_invalid",
        "Choose a month as YYYY-MM.",
        "Elija un mes como AAAA-MM.",
    ),
    (
        "err.countries_invalid",
        "Write one country a line as CC=staff id, e.g. PT=12.",
        "Escriba un país por línea como CC=id del personal, p. ej. PT=12.",
    ),
    (
        "err.field_locked",
        "The firm does not let you change this yourself; contact support.",
        "La empresa no le permite cambiar esto usted mismo; contacte con soporte.",
    ),
    (
        "err.field_unknown",
        "That is not a profile field.",
        "Ese no es un campo del perfil.",
    ),
    (
        "err.reviewed_not_editable",
        "A field staff review must also be one clients may change.",
        "Un campo que revisa el personal también debe poder cambiarlo el cliente.",
    ),
    (
        "err.category_unknown",
        "Choose a category from the list.",
        "Elija una categoría de la lista.",
    ),
    (
        "err.priority_unknown",
        "Choose a priority from the list.",
        "Elija una prioridad de la lista.",
    ),
    (
        "err.os_unknown",
        "Choose a system from the list.",
        "Elija un sistema de la lista.",
    ),
    (
        "err.ticket_closed",
        "This ticket is closed; open a new one.",
        "Este ticket está cerrado; abra uno nuevo.",
    ),
    (
        "err.attachments_too_many",
        "At most 5 files on one message.",
        "Como máximo 5 archivos por mensaje.",
    ),
    (
        "err.download_target",
        "Give either a link or a file, not both.",
        "Indique un enlace o un archivo, no ambos.",
    ),
    (
        "err.url_invalid",
        "Enter a full web address starting with https://.",
        "Introduzca una dirección web completa que empiece por https://.",
    ),
    (
        "err.already_joined",
        "You have already joined this competition.",
        "Ya está inscrito en esta competición.",
    ),
    (
        "err.registration_closed",
        "Registration for this competition is closed.",
        "La inscripción a esta competición está cerrada.",
    ),
    (
        "err.entry_fee_exceeds_wallet",
        "Your wallet does not hold enough for the entry fee. Deposit first.",
        "Su billetera no tiene suficiente para la cuota de inscripción. Deposite primero.",
    ),
    (
        "err.registration_outside",
        "Registration must open before trading starts and close by the time it ends.",
        "La inscripción debe abrir antes de que empiece la operativa y cerrar antes de que termine.",
    ),
    (
        "err.competition_has_entrants",
        "Traders have joined: the currency, fee, starting balance and ranking cannot change.",
        "Ya hay inscritos: no se puede cambiar la divisa, la cuota, el saldo inicial ni la clasificación.",
    ),
    (
        "err.competition_settled",
        "The final ranks are fixed: nothing can change.",
        "La clasificación final está fijada: no se puede cambiar nada.",
    ),
    (
        "err.competition_not_started",
        "Trading has not started yet.",
        "La operativa todavía no ha empezado.",
    ),
    (
        "err.competition_not_settled",
        "Trading has not ended yet.",
        "La operativa todavía no ha terminado.",
    ),
    (
        "err.measure_unknown",
        "Choose how the board ranks.",
        "Elija cómo se clasifica.",
    ),
    (
        "err.payout_unknown",
        "Choose how prizes are paid.",
        "Elija cómo se pagan los premios.",
    ),
    (
        "err.prize_line",
        "Write each line as a rank or range and an amount: \"2-3 100\".",
        "Escriba cada línea como un puesto o rango y un importe: \"2-3 100\".",
    ),
    (
        "err.prize_ranks",
        "A range runs from a rank to one at or below it.",
        "Un rango va de un puesto a otro igual o inferior.",
    ),
    (
        "err.prize_amount",
        "Every prize must be more than zero.",
        "Cada premio debe ser mayor que cero.",
    ),
    (
        "err.prize_gap",
        "The prize table must start at rank 1 and leave no rank out.",
        "La tabla debe empezar en el puesto 1 sin saltarse ninguno.",
    ),
    (
        "err.prize_overlap",
        "Two lines of the prize table cover the same rank.",
        "Dos líneas de la tabla cubren el mismo puesto.",
    ),
    (
        "err.prize_beyond_board",
        "Prizes go beyond the places on the board.",
        "Los premios superan los puestos de la clasificación.",
    ),
];
