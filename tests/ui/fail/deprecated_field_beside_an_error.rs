// A field being phased out (`#[deprecated]`) beside a mistake elsewhere in the schema: only the mistake is
// reported, with no deprecation warning from the code generated in its place.
use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor {
    #[deprecated = "use `locale`"]
    #[session]
    lang: String,
    #[session(bogus)]
    locale: String,
}

fn main() {}
