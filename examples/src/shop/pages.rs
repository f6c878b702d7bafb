//! The shop's HTML: one small layout and a function per page. No external assets, and every piece of user
//! text goes through [`escape`].

use std::{fmt::Write, time::SystemTime};

use axum::response::Html;
use session_core::SessionInfo;

use super::{
    data::SentCookie,
    schema::{CartItem, Theme},
    MAX_LOCALE_BYTES, MAX_PRODUCT_CHARS, MAX_QTY, MAX_SKU_CHARS, MAX_USER_CHARS,
};

/// What the home page shows.
pub struct Home {
    /// The theme cookie as the server read it.
    pub theme: Option<Theme>,
    /// The signed locale cookie, if present and authentic.
    pub locale: Option<String>,
    /// The signed-in user's name.
    pub user: Option<String>,
    /// The signed-in user's roles.
    pub roles: Vec<String>,
    /// Lines in the cart.
    pub cart_lines: usize,
    /// The flash notice, shown once.
    pub notice: Option<String>,
}

/// What the cart page shows.
pub struct Cart {
    /// The cart's lines.
    pub items: Vec<CartItem>,
    /// Bytes the cart takes in the session store.
    pub stored_bytes: usize,
    /// The flash notice, shown once.
    pub notice: Option<String>,
}

/// What the "Your devices" page shows.
pub struct Devices {
    /// The signed-in user's name.
    pub user: Option<String>,
    /// The user's live sessions.
    pub sessions: Vec<SessionInfo>,
    /// The flash notice, shown once.
    pub notice: Option<String>,
}

/// What the "Where your data lives" page shows.
pub struct Data {
    /// The schema's routing report, already rendered as an HTML table.
    pub report_table: String,
    /// Lines in the cart.
    pub cart_lines: usize,
    /// Bytes the cart takes in the session store.
    pub cart_bytes: usize,
    /// The cookies the browser sent with this request.
    pub cookies: Vec<SentCookie>,
}

/// Escapes `text` for use in HTML text and in double- or single-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The home page: who you are, your preferences, and how full your cart is.
pub fn home(page: &Home) -> Html<String> {
    let mut body = String::from("<h1>Demo shop</h1>");
    body.push_str("<section><h2>You</h2>");
    match &page.user {
        Some(user) => {
            let roles = page.roles.iter().map(|role| escape(role)).collect::<Vec<_>>().join(", ");
            let _ = write!(
                body,
                "<p>Signed in as <strong>{}</strong> (roles: {roles}).</p>\
                 <form method=\"post\" action=\"/logout\"><button>Sign out</button></form>",
                escape(user),
            );
        }
        None => {
            let _ = write!(
                body,
                "<p>Not signed in.</p>\
                 <form method=\"post\" action=\"/login\">\
                 <label>Name <input name=\"user\" required maxlength=\"{MAX_USER_CHARS}\"></label> \
                 <label><input type=\"checkbox\" name=\"remember\" value=\"on\"> Remember me</label> \
                 <button>Sign in</button></form>",
            );
        }
    }
    body.push_str("</section>");

    let theme = page.theme.map_or("not set (light)", Theme::as_str);
    let locale = page.locale.as_deref().map_or_else(|| "not set".to_owned(), escape);
    let _ = write!(
        body,
        "<section><h2>Preferences</h2>\
         <p>These live in cookies: no server storage, and they outlast your session.</p>\
         <p>Theme (plain cookie, readable by JavaScript): the server read <strong>{theme}</strong>; \
         this page's JavaScript read <strong id=\"js-theme\">nothing yet (is JavaScript off?)</strong> \
         from <code>document.cookie</code> and applied it.</p>\
         <form method=\"post\" action=\"/theme\">\
         <button name=\"theme\" value=\"light\">Light</button> \
         <button name=\"theme\" value=\"dark\">Dark</button></form>\
         <p>Locale (signed cookie, at most {MAX_LOCALE_BYTES} bytes): <strong>{locale}</strong></p>\
         <form method=\"post\" action=\"/locale\">\
         <label>Locale <input name=\"locale\" placeholder=\"en-GB\"></label> <button>Set locale</button> \
         <small>Try something longer than {MAX_LOCALE_BYTES} bytes: the setter refuses it.</small></form>\
         </section>",
    );

    let _ = write!(
        body,
        "<section><h2>Cart</h2><p><a href=\"/cart\">{}</a> (kept on the server).</p></section>",
        lines(page.cart_lines),
    );
    layout("Demo shop", page.notice.as_deref(), &body)
}

/// The "Your devices" page: every session of the signed-in user, and buttons to sign the others out.
pub fn devices(page: &Devices) -> Html<String> {
    let mut body = String::from("<h1>Your devices</h1>");
    let Some(user) = &page.user else {
        body.push_str("<p>Not signed in: <a href=\"/\">sign in</a> to see where else you are signed in.</p>");
        return layout("Your devices", page.notice.as_deref(), &body);
    };
    let _ = write!(
        body,
        "<p>Where <strong>{}</strong> is signed in. Each device is named by a hash of its session id, never the \
         id itself.</p><table><thead><tr><th>Device</th><th>Signed in</th><th>Last active</th>\
         <th>Signed out by</th><th></th></tr></thead><tbody>",
        escape(user),
    );
    let mut sessions = page.sessions.clone();
    sessions.sort_by_key(|session| (!session.current, session.created_at));
    for session in &sessions {
        let hex = session.key.to_hex();
        let (name, action) = if session.current {
            ("This device".to_owned(), String::new())
        } else {
            (
                format!("Device <code>{}</code>", &hex[..8]),
                format!(
                    "<form class=\"inline\" method=\"post\" action=\"/devices/sign-out\">\
                     <input type=\"hidden\" name=\"key\" value=\"{hex}\"><button>Sign out</button></form>"
                ),
            )
        };
        let _ = write!(
            body,
            "<tr class=\"device{}\"><td>{name}</td><td>{}</td><td>{}</td><td>{}</td><td>{action}</td></tr>",
            if session.current { " current" } else { "" },
            ago(session.created_at),
            ago(session.last_seen),
            until(session.expires_at),
        );
    }
    body.push_str("</tbody></table>");
    if sessions.iter().any(|session| !session.current) {
        body.push_str(&post_button("/devices/sign-out-others", "Sign out everywhere else"));
    }
    layout("Your devices", page.notice.as_deref(), &body)
}

/// "5 minutes ago", roughly.
fn ago(time: SystemTime) -> String {
    let secs = SystemTime::now().duration_since(time).map_or(0, |elapsed| elapsed.as_secs());
    format!("{} ago", span(secs))
}

/// "in 3 days", roughly.
fn until(time: SystemTime) -> String {
    let secs = time.duration_since(SystemTime::now()).map_or(0, |left| left.as_secs());
    format!("in {}", span(secs))
}

fn span(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3_600 => format!("{} min", secs / 60),
        3_600..86_400 => format!("{} h", secs / 3_600),
        _ => format!("{} days", secs / 86_400),
    }
}

/// The cart page: its lines, and forms to add to it or clear it.
pub fn cart(page: &Cart) -> Html<String> {
    let mut body = format!("<h1>Your cart</h1><p>{}", lines(page.items.len()));
    if !page.items.is_empty() {
        let _ = write!(body, ", {} bytes in the session store", page.stored_bytes);
        if page.stored_bytes > session_core::cookie::MAX_COOKIE_BYTES {
            body.push_str(": more than a browser keeps in a cookie, and no problem on the server");
        }
    }
    body.push_str(".</p>");
    if !page.items.is_empty() {
        body.push_str("<table><thead><tr><th>SKU</th><th>Product</th><th>Quantity</th></tr></thead><tbody>");
        for item in &page.items {
            let _ = write!(
                body,
                "<tr class=\"item\"><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                escape(&item.sku),
                escape(&item.name),
                item.qty,
            );
        }
        body.push_str("</tbody></table>");
    }
    let _ = write!(
        body,
        "<h2>Add</h2>\
         <form method=\"post\" action=\"/cart/add\">\
         <label>SKU <input name=\"sku\" required maxlength=\"{MAX_SKU_CHARS}\"></label> \
         <label>Product <input name=\"name\" required maxlength=\"{MAX_PRODUCT_CHARS}\"></label> \
         <label>Quantity <input name=\"qty\" type=\"number\" min=\"1\" max=\"{MAX_QTY}\" value=\"1\"></label> \
         <button>Add to cart</button></form>\
         <p>Or grow the cart far past 4 KB:</p>{}{}{}",
        post_button("/cart/add-many?count=50", "Add 50 demo items"),
        post_button("/cart/add-many?count=200", "Add 200 demo items"),
        post_button("/cart/clear", "Clear the cart"),
    );
    layout("Your cart", page.notice.as_deref(), &body)
}

/// The "Where your data lives" page: the schema's routing report and the cookies this browser sent.
pub fn data(page: &Data) -> Html<String> {
    let mut body = String::from(
        "<h1>Where your data lives</h1>\
         <p>Every field of the shop's <code>Visitor</code> schema, where the compiler routed it, and what that \
         means for you. Values never appear in this table.</p>",
    );
    body.push_str(&page.report_table);
    body.push_str("<h2>What the server keeps</h2>");
    if page.cart_lines == 0 {
        body.push_str("<p id=\"server-cart\">Your cart is empty.</p>");
    } else {
        let _ = write!(
            body,
            "<p id=\"server-cart\">Your cart: {}, {} bytes in the session store. None of it travels in a \
             cookie: your browser sends only the session id.</p>",
            lines(page.cart_lines),
            page.cart_bytes,
        );
    }
    body.push_str("<h2>Cookies your browser sent</h2>");
    if page.cookies.is_empty() {
        body.push_str("<p>None.</p>");
    } else {
        body.push_str(
            "<table><thead><tr><th>Cookie</th><th>Bytes (name + value)</th><th>What it is</th></tr></thead><tbody>",
        );
        for cookie in &page.cookies {
            let _ = write!(
                body,
                "<tr class=\"cookie\"><td><code>{}</code></td><td>{} of {}</td><td>{}</td></tr>",
                escape(&cookie.name),
                cookie.bytes,
                session_core::cookie::MAX_COOKIE_BYTES,
                cookie.describe(),
            );
        }
        body.push_str("</tbody></table>");
    }
    layout("Where your data lives", None, &body)
}

/// A one-button form that POSTs to `action`.
fn post_button(action: &str, label: &str) -> String {
    format!("<form class=\"inline\" method=\"post\" action=\"{action}\"><button>{label}</button></form> ")
}

/// "3 items", with the right plural.
fn lines(count: usize) -> String {
    match count {
        0 => "Your cart is empty".to_owned(),
        1 => "1 item".to_owned(),
        n => format!("{n} items"),
    }
}

const STYLE: &str = "\
:root{color-scheme:light;--bg:#fff;--fg:#1d1d1f;--muted:#6b6b73;--card:#f2f2f5;--accent:#0a7d4f}\
html.dark{color-scheme:dark;--bg:#17181b;--fg:#e8e8ea;--muted:#9a9aa2;--card:#24262b;--accent:#4cc38a}\
body{margin:0;font:16px/1.5 system-ui,sans-serif;background:var(--bg);color:var(--fg)}\
nav{display:flex;gap:1.25rem;padding:.75rem 1.5rem;background:var(--card)}\
nav a{color:var(--fg);font-weight:600;text-decoration:none}\
main{max-width:64rem;margin:0 auto;padding:1rem 1.5rem 3rem}\
a{color:var(--accent)}\
.notice{padding:.5rem 1rem;border-left:4px solid var(--accent);background:var(--card)}\
table{border-collapse:collapse;width:100%}\
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid var(--muted)}\
form{margin:.5rem 0}form.inline{display:inline-block}";

/// Applies the theme from the plain `theme` cookie: proof that front-end code can read it.
const THEME_SCRIPT: &str = "\
(function(){\
var m=document.cookie.match(/(?:^|;\\s*)theme=(light|dark)(?:;|$)/);\
var theme=m?m[1]:'light';\
document.documentElement.className=theme;\
var seen=document.getElementById('js-theme');\
if(seen){seen.textContent=m?theme:'no theme cookie';}\
})();";

/// Wraps a page body in the shared layout: navigation, the flash notice, styles and the theme script.
fn layout(title: &str, notice: Option<&str>, body: &str) -> Html<String> {
    let notice =
        notice.map(|text| format!("<p class=\"notice\" role=\"status\">{}</p>", escape(text))).unwrap_or_default();
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head><body>\
         <nav><a href=\"/\">Home</a><a href=\"/cart\">Cart</a><a href=\"/devices\">Your devices</a>\
         <a href=\"/data\">Where your data lives</a></nav>\
         <main>{notice}{body}</main><script>{THEME_SCRIPT}</script></body></html>",
        title = escape(title),
    ))
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_neutralises_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x" onclick='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(escape("plain text"), "plain text");
    }
}
