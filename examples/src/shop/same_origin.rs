//! Form posts from the shop's own pages only.
//!
//! The id cookie is `SameSite=Lax`, so a form that a page of another site posts here arrives without it.
//! That keeps the visitor's session out of reach, but not their cookie jar: the shop would start a fresh
//! session and answer with a new id cookie, which the browser keeps in place of theirs. A page anywhere could
//! sign a visitor out, empty their cart, or sign them in as someone else (login CSRF). So every request that
//! changes something must come from the shop's own origin, as the browser reports it.

use axum::{
    extract::Request,
    http::{header, HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Passes reads, and writes sent from the shop's own pages; answers any other write with 403 before the
/// session layer sees it.
pub async fn refuse_cross_site_writes(request: Request, next: Next) -> Response {
    let reads = [Method::GET, Method::HEAD, Method::OPTIONS];
    if reads.contains(request.method()) || from_this_origin(request.headers()) {
        return next.run(request).await;
    }
    (StatusCode::FORBIDDEN, "This form can only be sent from the shop's own pages.").into_response()
}

/// What the browser says of where the request comes from: `Sec-Fetch-Site` in every current browser,
/// else `Origin`, which older ones send with a cross-origin POST. A request with neither is no browser's
/// (a script or `curl`), and carries only the cookies its sender chose.
fn from_this_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        // `none`: the visitor's own doing, such as a bookmark.
        return site == "same-origin" || site == "none";
    }
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|origin| origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://")));
    let host = headers.get(header::HOST).and_then(|host| host.to_str().ok());
    matches!((origin_host, host), (Some(origin), Some(host)) if origin.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue};

    use super::from_this_origin;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(name, value)| (name.parse().unwrap(), HeaderValue::from_static(value))).collect()
    }

    #[test]
    fn the_browser_says_where_a_request_comes_from() {
        assert!(from_this_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(from_this_origin(&headers(&[("sec-fetch-site", "none")])));
        assert!(!from_this_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!from_this_origin(&headers(&[("sec-fetch-site", "same-site")])), "another port or subdomain");
        // `Sec-Fetch-Site` decides when both are sent.
        let both = [("sec-fetch-site", "cross-site"), ("origin", "http://shop.test"), ("host", "shop.test")];
        assert!(!from_this_origin(&headers(&both)));
    }

    #[test]
    fn older_browsers_are_judged_by_origin() {
        assert!(from_this_origin(&headers(&[("origin", "http://shop.test:3000"), ("host", "shop.test:3000")])));
        assert!(from_this_origin(&headers(&[("origin", "https://Shop.test"), ("host", "shop.test")])));
        assert!(!from_this_origin(&headers(&[("origin", "http://evil.test"), ("host", "shop.test")])));
        assert!(!from_this_origin(&headers(&[("origin", "null"), ("host", "shop.test")])), "a sandboxed page");
        assert!(!from_this_origin(&headers(&[("origin", "http://shop.test")])), "no Host to compare");
        assert!(from_this_origin(&headers(&[("host", "shop.test")])), "no browser: no header at all");
    }
}
