//! Where a browser sends a cookie: RFC 6265's domain-match and path-match, which the test browser keeps
//! its cookies by and the layer compares two id cookies' reach with.

/// RFC 6265's domain-match: `host` is `domain`, or a name under it (never an IP address under another).
/// Both lowercase, `domain` without a leading dot.
pub(crate) fn domain_match(host: &str, domain: &str) -> bool {
    let is_ip = host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[');
    host == domain || (!is_ip && host.strip_suffix(domain).is_some_and(|rest| rest.ends_with('.')))
}

/// RFC 6265's path-match: `path` is `cookie_path` or lies under it (`/shop/cart` under `/shop`, not
/// `/shopping`).
pub(crate) fn path_match(path: &str, cookie_path: &str) -> bool {
    path == cookie_path
        || path.strip_prefix(cookie_path).is_some_and(|rest| cookie_path.ends_with('/') || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_as_rfc_6265_says() {
        assert!(path_match("/", "/"));
        assert!(path_match("/app", "/app"));
        assert!(path_match("/app/cart", "/app"));
        assert!(path_match("/app/cart", "/app/"));
        assert!(!path_match("/application", "/app"));
        assert!(!path_match("/", "/app"));
    }

    #[test]
    fn domains_match_as_rfc_6265_says() {
        assert!(domain_match("shop.example.com", "example.com"));
        assert!(domain_match("example.com", "example.com"));
        assert!(!domain_match("badexample.com", "example.com"));
        assert!(!domain_match("example.com", "shop.example.com"));
        assert!(!domain_match("10.0.0.1", "0.0.1"));
    }
}
