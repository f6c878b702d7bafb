//! The commands a [`RedisStore`](crate::RedisStore) sends: their arguments written straight into redis-rs'
//! buffers, sized up front.

use std::io::Write;

use redis::{Cmd, RedisWrite, Script, ToRedisArgs};

use super::{now_millis, Patch, StoreError, FIELD_PREFIX};

/// The latest expiry Redis accepts (a signed 64-bit count of milliseconds). A record's own deadline can be
/// later (`u64::MAX` when there is no timeout); it is kept exactly in `t`, and the key's expiry is capped
/// here, some 292 million years out.
const MAX_KEY_EXPIRY: u64 = i64::MAX as u64;

/// An `EVALSHA` of `script` on `keys`, its arguments to be added: `args` more of them, of `bytes` in all.
///
/// The command's buffers are sized for all of it up front, since growing them argument by argument
/// reallocated them several times per command (BENCHMARKS.md has what that cost).
pub(super) fn script_command(script: &Script, keys: &[RedisKey<'_>], args: usize, bytes: usize) -> Cmd {
    // The script's SHA-1 in hex, and the number of keys.
    const HEAD_BYTES: usize = "EVALSHA".len() + 40 + 4;
    let key_bytes: usize = keys.iter().map(RedisKey::len).sum();
    let mut command = Cmd::with_capacity(3 + keys.len() + args, HEAD_BYTES + key_bytes + bytes);
    command.arg("EVALSHA").arg(script.get_hash()).arg(keys.len());
    for key in keys {
        command.arg(key);
    }
    command
}

/// Bytes enough for the decimal times and counts a script's arguments start with (a `u64` has at most 20
/// digits).
pub(super) const NUMBER_ARGS_BYTES: usize = 4 * 20;

/// The most field names and values one write passes on to one Redis command. Redis's Lua hands a command at
/// most some 8,000 values, and a script that asks for more fails where it asks, after the commands before
/// it ran: a cycle would have moved the record and not patched it. So a larger write is refused before it
/// is sent, changing nothing.
const MAX_FIELD_ARGS: usize = 7_000;

/// Refuses a write that sets `set` fields (a name and a value each) or removes `removed` (a name each):
/// each is one command's arguments.
pub(super) fn check_field_args(set: usize, removed: usize) -> Result<(), StoreError> {
    if 2 * set > MAX_FIELD_ARGS || removed > MAX_FIELD_ARGS {
        return Err(StoreError::too_large(format!(
            "a write that sets {set} fields and removes {removed} is more than RedisStore writes at once \
             ({} set, {MAX_FIELD_ARGS} removed at most)",
            MAX_FIELD_ARGS / 2
        )));
    }
    Ok(())
}

pub(super) fn key_expiry(expires_at: u64) -> u64 {
    expires_at.min(MAX_KEY_EXPIRY)
}

/// A key of this store, written straight into a command's buffer: a session's hash,
/// `<prefix><hex of the store key>`, or an owner's index, `<prefix>owner:<hex of the owner key>`.
pub(super) struct RedisKey<'a> {
    pub(super) prefix: &'a str,
    pub(super) kind: &'static str,
    pub(super) hash: &'a [u8; 32],
}

impl RedisKey<'_> {
    /// Its length in a command.
    pub(super) fn len(&self) -> usize {
        self.prefix.len() + self.kind.len() + 2 * self.hash.len()
    }
}

impl ToRedisArgs for RedisKey<'_> {
    fn write_redis_args<W: ?Sized + RedisWrite>(&self, out: &mut W) {
        const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = [0; 64];
        for (pair, byte) in hex.chunks_exact_mut(2).zip(self.hash) {
            pair[0] = HEX_DIGITS[usize::from(byte >> 4)];
            pair[1] = HEX_DIGITS[usize::from(byte & 0x0f)];
        }
        write_parts(out, &[self.prefix.as_bytes(), self.kind.as_bytes(), &hex]);
    }
}

/// A session field's name as stored: `f:` and the name, written straight into a command's buffer.
pub(super) struct FieldName<'a>(pub(super) &'a str);

impl ToRedisArgs for FieldName<'_> {
    fn write_redis_args<W: ?Sized + RedisWrite>(&self, out: &mut W) {
        write_parts(out, &[FIELD_PREFIX.as_bytes(), self.0.as_bytes()]);
    }
}

/// Times as `t` holds them: decimal numbers separated by spaces.
pub(super) struct Times<const N: usize>(pub(super) [u64; N]);

impl<const N: usize> ToRedisArgs for Times<N> {
    fn write_redis_args<W: ?Sized + RedisWrite>(&self, out: &mut W) {
        let mut arg = out.writer_for_next_arg();
        for (index, time) in self.0.iter().enumerate() {
            // Into the command's own buffer, which cannot fail.
            let _ = if index == 0 { write!(arg, "{time}") } else { write!(arg, " {time}") };
        }
    }
}

/// One argument made of `parts`.
fn write_parts<W: ?Sized + RedisWrite>(out: &mut W, parts: &[&[u8]]) {
    let mut arg = out.writer_for_next_arg();
    for part in parts {
        // Into the command's own buffer, which cannot fail.
        let _ = arg.write_all(part);
    }
}

/// Refuses a patch that sets, or removes, more fields than one command of a script takes.
pub(super) fn check_patch(patch: &Patch<'_>) -> Result<(), StoreError> {
    let set = patch.changes.iter().filter(|(_, value)| value.is_some()).count();
    check_field_args(set, patch.changes.len() - set)
}

/// SAVE's or CYCLE's command: now, the deadline, the last-seen time, the key's expiry, whether the patch
/// replaces the deadline, the new creation time (empty to keep the stored one), the number of fields set,
/// their name/value pairs, the names of the fields removed.
pub(super) fn patch_command(script: &Script, keys: &[RedisKey<'_>], patch: &Patch<'_>) -> Cmd {
    let (args, bytes) = patch.changes.iter().fold((7, NUMBER_ARGS_BYTES + 41), |(args, bytes), (name, value)| {
        let name = FIELD_PREFIX.len() + name.len();
        match value {
            Some(value) => (args + 2, bytes + name + value.len()),
            None => (args + 1, bytes + name),
        }
    });
    let mut command = script_command(script, keys, args, bytes);
    let set = patch.changes.iter().filter(|(_, value)| value.is_some());
    command
        .arg(now_millis())
        .arg(patch.expires_at)
        .arg(patch.last_seen)
        .arg(key_expiry(patch.expires_at))
        .arg(if patch.replaces_deadline { "1" } else { "0" });
    match patch.created_at {
        Some(created_at) => command.arg(created_at),
        None => command.arg(""),
    };
    command.arg(set.clone().count());
    for (name, value) in set {
        command.arg(FieldName(name)).arg(value.as_deref().unwrap_or_default());
    }
    for (name, _) in patch.changes.iter().filter(|(_, value)| value.is_none()) {
        command.arg(FieldName(name));
    }
    command
}
