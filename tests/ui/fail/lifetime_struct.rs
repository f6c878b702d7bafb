use std::marker::PhantomData;

use session_core::SessionSchema;

#[derive(SessionSchema)]
struct Visitor<'a> {
    #[session]
    user_id: u64,
    #[session]
    seen: PhantomData<&'a ()>,
}

fn main() {}
