//! The Lua scripts of [`RedisStore`](crate::RedisStore): every write is one of them, so that its checks and
//! its changes happen atomically, in one round trip. They spell out the hash's layout that the parent
//! module describes (`t`, `o`, `f:<name>`).

use std::sync::LazyLock;

use redis::Script;

// Every script is given the app's clock (`now_millis`) as ARGV[1] and judges a record live by its own
// deadline, the first number of `t`, against it: Redis's clock only reclaims keys, so a Redis whose clock
// lags the app's can never keep a session alive that the app has ended.

/// `KEYS[1]`: the session. ARGV: now, the record's `t`, the key's expiry, then field/value pairs.
/// Refuses to overwrite a live record; an ended one that Redis has not reclaimed yet is replaced whole.
const CREATE: &str = r"
local t = redis.call('HGET', KEYS[1], 't')
local expires = t and tonumber(string.match(t, '^%d+'))
if expires and expires > tonumber(ARGV[1]) then return 0 end
redis.call('UNLINK', KEYS[1])
redis.call('HSET', KEYS[1], 't', ARGV[2], unpack(ARGV, 4))
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return 1
";

/// Shared by SAVE and CYCLE, whose ARGV are: now, the new deadline, the new last-seen time, the key's expiry,
/// `1` if the patch replaces the deadline (else `0`), the new creation time (empty: the stored one stays), the
/// number of fields set, their name/value pairs, then the names of the fields removed. `created_if_live` gives
/// a live record's creation time and deadline; `apply_patch` keeps the later of that deadline and the patch's
/// unless the patch replaces it (see `Patch::replaces_deadline`), and with it the key's expiry.
const PATCH: &str = r"
local function created_if_live(key)
  local t = redis.call('HGET', key, 't')
  if not t then return nil end
  local expires, created = string.match(t, '^(%d+) %d+ (%d+)$')
  if expires and tonumber(expires) > tonumber(ARGV[1]) then return created, expires end
end
local function apply_patch(key, created, expires)
  local last_set = 7 + 2 * tonumber(ARGV[7])
  local keeps = ARGV[5] == '0' and tonumber(expires) > tonumber(ARGV[2])
  if ARGV[6] ~= '' then created = ARGV[6] end
  local times = (keeps and expires or ARGV[2]) .. ' ' .. ARGV[3] .. ' ' .. created
  redis.call('HSET', key, 't', times, unpack(ARGV, 8, last_set))
  if #ARGV > last_set then redis.call('HDEL', key, unpack(ARGV, last_set + 1)) end
  if not keeps then redis.call('PEXPIREAT', key, ARGV[4]) end
end
";

/// `KEYS[1]`: the session. ARGV: as [`PATCH`] says. Changes nothing if the record is gone or ended.
const SAVE: &str = r"
local created, expires = created_if_live(KEYS[1])
if not created then return 0 end
apply_patch(KEYS[1], created, expires)
return 1
";

/// Shared by CYCLE and CYCLE_ADOPT, whose `KEYS[1]` is the old session and `KEYS[2]` the new one, ARGV as
/// [`PATCH`] says. `cycle_keeping_owner` moves the record unless the old one is gone or ended or the new
/// key holds a live one (then it returns nil), with its owner's index entry if it has an owner (then it
/// returns the index's name; false if it has none).
const CYCLE_KEEPING_OWNER: &str = r"
local function cycle_keeping_owner()
  local created, expires = created_if_live(KEYS[1])
  if not created or created_if_live(KEYS[2]) then return nil end
  redis.call('RENAME', KEYS[1], KEYS[2])
  apply_patch(KEYS[2], created, expires)
  local o = redis.call('HGET', KEYS[2], 'o')
  if o then
    redis.pcall('SREM', o, KEYS[1])
    redis.pcall('SADD', o, KEYS[2])
  end
  return o or false
end
";

/// A cycle that keeps the owner. Needs [`CYCLE_KEEPING_OWNER`].
const CYCLE: &str = r"
if cycle_keeping_owner() == nil then return 0 end
return 1
";

/// How many members of an owner's index a sign-in draws at random, to drop those whose session is gone.
pub(super) const DRAWN_PER_SIGN_IN: u32 = 16;

/// Shared by the scripts that read an owner's index, through [`members`]. `ARGV[1]`: now.
///
/// A member leaves the index only once its record is gone (Redis reclaimed or deleted it) or belongs to
/// another owner: never for a deadline passed by this app's clock alone. Another app server whose clock is
/// a little behind may still save that session, extending it, and a save does not rejoin the index, so
/// dropping it here would hide a live session from `revoke_owner`.
///
/// `owned_t`: the `t` of the session `key` if Redis holds it and it is still `index`'s owner's. A member
/// naming a key that is not a hash (a hand edit) is no session, and gone like one: `redis.pcall`, because
/// a command's error would stop the script midway, and Redis does not undo what it had done by then.
/// `live_members`: the names and `t` of the live sessions in `index`, dropping the members gone.
/// `drop_some_gone`: drops the gone ones among `DRAWN` members of `index` drawn at random.
/// `refuse_index`: an error reply if `index` is a key of another type than a set (a hand edit), which a
/// script that adds to it checks before it changes anything; nil otherwise.
///
/// Elsewhere the scripts remove a session from its index, or move it to its new name, with `redis.pcall`:
/// an index that is not a set holds no entry, and must not stop a logout or a new id halfway.
const MEMBERS: &str = r"
local function refuse_index(index)
  local kind = index and redis.call('TYPE', index)['ok']
  if kind and kind ~= 'none' and kind ~= 'set' then
    return redis.error_reply('the owner index ' .. index .. ' is a ' .. kind .. ', not a set: nothing was changed')
  end
end
local function owned_t(index, key)
  local state = redis.pcall('HMGET', key, 't', 'o')
  if not state.err and state[1] and state[2] == index then return state[1] end
end
local function live_members(index)
  local listed = {}
  for _, key in ipairs(redis.call('SMEMBERS', index)) do
    local t = owned_t(index, key)
    local expires = t and tonumber(string.match(t, '^%d+'))
    if not t then
      redis.call('SREM', index, key)
    elseif expires and expires > tonumber(ARGV[1]) then
      table.insert(listed, key)
      table.insert(listed, t)
    end
  end
  return listed
end
local function drop_some_gone(index)
  for _, key in ipairs(redis.call('SRANDMEMBER', index, DRAWN)) do
    if not owned_t(index, key) then redis.call('SREM', index, key) end
  end
end
";

/// [`MEMBERS`], with `DRAWN` set to [`DRAWN_PER_SIGN_IN`].
fn members() -> String {
    format!("local DRAWN = {DRAWN_PER_SIGN_IN}\n{MEMBERS}")
}

/// Gives the session `key` the owner index `index` (if given; none otherwise), leaving its former one.
/// A patch that replaced the deadline with one already past has ended the record and Redis deleted its
/// key: an owner given to it then would recreate the key, holding `o` alone, with no expiry. Needs
/// [`members`].
const SET_OWNER: &str = r"
local function set_owner(key, index)
  if redis.call('EXISTS', key) == 0 then return end
  local before = redis.call('HGET', key, 'o')
  if before then redis.pcall('SREM', before, key) end
  if index then
    drop_some_gone(index)
    redis.call('HSET', key, 'o', index)
    redis.call('SADD', index, key)
  else
    redis.call('HDEL', key, 'o')
  end
end
";

/// CREATE for an owned record: `KEYS[2]` is its owner's index, ARGV as CREATE's. An ended record it
/// replaces leaves its own owner's index. Needs [`members`].
const CREATE_OWNED: &str = r"
local refused = refuse_index(KEYS[2])
if refused then return refused end
local t = redis.call('HGET', KEYS[1], 't')
local expires = t and tonumber(string.match(t, '^%d+'))
if expires and expires > tonumber(ARGV[1]) then return 0 end
local before = redis.call('HGET', KEYS[1], 'o')
if before then redis.pcall('SREM', before, KEYS[1]) end
redis.call('UNLINK', KEYS[1])
drop_some_gone(KEYS[2])
redis.call('HSET', KEYS[1], 't', ARGV[2], 'o', KEYS[2], unpack(ARGV, 4))
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
redis.call('SADD', KEYS[2], KEYS[1])
return 1
";

/// SAVE of a patch that changes the owner: `KEYS[2]`, if given, is the new owner's index.
const SAVE_OWNER: &str = r"
local refused = refuse_index(KEYS[2])
if refused then return refused end
local created, expires = created_if_live(KEYS[1])
if not created then return 0 end
apply_patch(KEYS[1], created, expires)
set_owner(KEYS[1], KEYS[2])
return 1
";

/// CYCLE of a patch that changes the owner: `KEYS[3]`, if given, is the new owner's index.
const CYCLE_OWNER: &str = r"
local refused = refuse_index(KEYS[3])
if refused then return refused end
local created, expires = created_if_live(KEYS[1])
if not created or created_if_live(KEYS[2]) then return 0 end
local before = redis.call('HGET', KEYS[1], 'o')
if before then redis.pcall('SREM', before, KEYS[1]) end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('HDEL', KEYS[2], 'o')
apply_patch(KEYS[2], created, expires)
set_owner(KEYS[2], KEYS[3])
return 1
";

/// SAVE of a patch that adopts an owner ([`OwnerChange::Adopt`](crate::store::OwnerChange::Adopt)): `KEYS[2]` is that owner's index, which the
/// session joins only if it has no owner by now.
const SAVE_ADOPT: &str = r"
local refused = refuse_index(KEYS[2])
if refused then return refused end
local created, expires = created_if_live(KEYS[1])
if not created then return 0 end
apply_patch(KEYS[1], created, expires)
if redis.call('HEXISTS', KEYS[1], 'o') == 0 then set_owner(KEYS[1], KEYS[2]) end
return 1
";

/// CYCLE of a patch that adopts an owner: `KEYS[3]` is that owner's index, which the session joins only if
/// it has no owner by now; one that has moves its index entry, as CYCLE does. Needs
/// [`CYCLE_KEEPING_OWNER`].
const CYCLE_ADOPT: &str = r"
local refused = refuse_index(KEYS[3])
if refused then return refused end
local owner = cycle_keeping_owner()
if owner == nil then return 0 end
if not owner then set_owner(KEYS[2], KEYS[3]) end
return 1
";

/// `KEYS[1]`: a session. Deletes it and its owner index entry; 1 if it was there, 0 if not. An index that is
/// not a set (a hand edit) holds no entry to remove, and does not stop the session from ending.
const DELETE: &str = r"
local o = redis.call('HGET', KEYS[1], 'o')
if o then redis.pcall('SREM', o, KEYS[1]) end
return redis.call('DEL', KEYS[1])
";

/// `KEYS[1]`: an owner's index. ARGV: now. Returns name, `t` of each live session in it, dropping the members
/// whose session is gone or belongs to another owner now. Needs [`members`].
const LIST_OWNER: &str = r"
return live_members(KEYS[1])
";

/// `KEYS[1]`: an owner's index. ARGV: now, then the name of the session to keep (or an empty string).
/// Deletes every other session in it and returns how many were live; -1, deleting nothing, if the session
/// to keep is not live. A member naming a key that is not a hash (a hand edit) leaves the index, the key
/// untouched, as in [`MEMBERS`].
const REVOKE_OWNER: &str = r"
if ARGV[2] ~= '' then
  local kept = redis.call('HGET', ARGV[2], 't')
  local expires = kept and tonumber(string.match(kept, '^%d+'))
  if not (expires and expires > tonumber(ARGV[1])) then return -1 end
end
local revoked = 0
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if key ~= ARGV[2] then
    local state = redis.pcall('HMGET', key, 't', 'o')
    if not state.err and state[2] == KEYS[1] then
      local expires = state[1] and tonumber(string.match(state[1], '^%d+'))
      if expires and expires > tonumber(ARGV[1]) then revoked = revoked + 1 end
      redis.call('DEL', key)
    end
    redis.call('SREM', KEYS[1], key)
  end
end
return revoked
";

// Compiled once: `Script` hashes its source, and calls go out as EVALSHA.
pub(super) static CREATE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(CREATE));
pub(super) static SAVE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(&format!("{PATCH}{SAVE}")));
pub(super) static CYCLE_SCRIPT: LazyLock<Script> =
    LazyLock::new(|| Script::new(&format!("{PATCH}{CYCLE_KEEPING_OWNER}{CYCLE}")));
pub(super) static CREATE_OWNED_SCRIPT: LazyLock<Script> =
    LazyLock::new(|| Script::new(&format!("{}{CREATE_OWNED}", members())));
pub(super) static SAVE_OWNER_SCRIPT: LazyLock<Script> =
    LazyLock::new(|| Script::new(&format!("{PATCH}{}{SET_OWNER}{SAVE_OWNER}", members())));
pub(super) static CYCLE_OWNER_SCRIPT: LazyLock<Script> =
    LazyLock::new(|| Script::new(&format!("{PATCH}{}{SET_OWNER}{CYCLE_OWNER}", members())));
pub(super) static SAVE_ADOPT_SCRIPT: LazyLock<Script> =
    LazyLock::new(|| Script::new(&format!("{PATCH}{}{SET_OWNER}{SAVE_ADOPT}", members())));
pub(super) static CYCLE_ADOPT_SCRIPT: LazyLock<Script> =
    LazyLock::new(|| Script::new(&format!("{PATCH}{CYCLE_KEEPING_OWNER}{}{SET_OWNER}{CYCLE_ADOPT}", members())));
pub(super) static DELETE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(DELETE));
pub(super) static LIST_OWNER_SCRIPT: LazyLock<Script> =
    LazyLock::new(|| Script::new(&format!("{}{LIST_OWNER}", members())));
pub(super) static REVOKE_OWNER_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(REVOKE_OWNER));

/// Every script of the store, loaded when it connects.
pub(super) fn scripts() -> [&'static Script; 11] {
    [
        &CREATE_SCRIPT,
        &SAVE_SCRIPT,
        &CYCLE_SCRIPT,
        &CREATE_OWNED_SCRIPT,
        &SAVE_OWNER_SCRIPT,
        &CYCLE_OWNER_SCRIPT,
        &SAVE_ADOPT_SCRIPT,
        &CYCLE_ADOPT_SCRIPT,
        &DELETE_SCRIPT,
        &LIST_OWNER_SCRIPT,
        &REVOKE_OWNER_SCRIPT,
    ]
}
