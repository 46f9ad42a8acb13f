//! People who sign in to the web UI: admins and teammates, their passwords (argon2) and
//! their sessions.
//!
//! Invariants: e-mail addresses are unique, compared in lower case; a password is kept only
//! as an argon2 hash; a session token and the one-time setup token are kept only as
//! SHA-256 hashes; the last admin cannot be removed.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::distr::{Alphanumeric, SampleString};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::clock;
use crate::store::{codec, Store, StoreError};

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// A session ends after this long without use, in microseconds (14 days).
const SESSION_IDLE: i64 = 14 * 24 * 3600 * 1_000_000;
/// Where the setup token's hash is kept in the meta tree.
const SETUP_KEY: &[u8] = b"setup_token";

/// What a person may do: admins also manage the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Member,
}

/// A person who signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub password_hash: String,
    pub created_at: i64,
}

/// A signed-in browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub user_id: String,
    /// Sent back by the UI in `X-CSRF-Token` on every change it asks for.
    pub csrf_token: String,
    pub expires_at: i64,
}

/// Why a user operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("`email` must be an e-mail address such as ana@example.com")]
    BadEmail,
    #[error("the password must be at least {MIN_PASSWORD_CHARS} characters long")]
    WeakPassword,
    #[error("someone with the e-mail address {0} exists already")]
    EmailTaken(String),
    #[error("the e-mail address or the password is wrong")]
    BadCredentials,
    #[error("this setup link was used already or is not valid; sign in instead")]
    BadSetupToken,
    #[error("no user has the id `{0}`")]
    NotFound(String),
    #[error("this is the last admin; add another admin before removing this one")]
    LastAdmin,
    #[error(transparent)]
    Store(#[from] StoreError),
}

crate::store::store_error_conversions!(UserError);

fn sha256(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

fn hash_password(password: &str) -> Result<String, UserError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|_| UserError::WeakPassword)?;
    let hash = Argon2::default().hash_password(password.as_bytes(), &salt);
    Ok(hash.map_err(|_| UserError::WeakPassword)?.to_string())
}

fn check_email(email: &str) -> Result<String, UserError> {
    let email = email.trim().to_lowercase();
    let valid = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !email.chars().any(char::is_whitespace)
    });
    if valid {
        Ok(email)
    } else {
        Err(UserError::BadEmail)
    }
}

/// Adds a person.
pub fn create(store: &Store, email: &str, password: &str, role: Role) -> Result<User, UserError> {
    let email = check_email(email)?;
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(UserError::WeakPassword);
    }
    let user = User {
        id: format!("user_{}", Alphanumeric.sample_string(&mut rand::rng(), 10).to_lowercase()),
        email: email.clone(),
        role,
        password_hash: hash_password(password)?,
        created_at: clock::now_micros(),
    };
    let claimed = store.user_emails.compare_and_swap(
        email.as_bytes(),
        None::<&[u8]>,
        Some(user.id.as_bytes()),
    )?;
    if claimed.is_err() {
        return Err(UserError::EmailTaken(email));
    }
    store.users.insert(user.id.as_bytes(), codec::encode(&user)?)?;
    store.meta.remove(SETUP_KEY)?;
    Ok(user)
}

/// Everyone, by e-mail address.
pub fn list(store: &Store) -> Result<Vec<User>, UserError> {
    let mut users = Vec::new();
    for entry in store.users.iter() {
        users.push(codec::decode::<User>(&entry?.1)?);
    }
    users.sort_by(|a, b| a.email.cmp(&b.email));
    Ok(users)
}

/// One person.
pub fn get(store: &Store, id: &str) -> Result<User, UserError> {
    match store.users.get(id.as_bytes())? {
        Some(bytes) => Ok(codec::decode(&bytes)?),
        None => Err(UserError::NotFound(id.to_string())),
    }
}

/// Removes a person and ends their sessions; the last admin stays.
pub fn delete(store: &Store, id: &str) -> Result<User, UserError> {
    let user = get(store, id)?;
    let admins = list(store)?.iter().filter(|u| u.role == Role::Admin).count();
    if user.role == Role::Admin && admins <= 1 {
        return Err(UserError::LastAdmin);
    }
    store.users.remove(id.as_bytes())?;
    store.user_emails.remove(user.email.as_bytes())?;
    for entry in store.sessions.iter() {
        let (key, bytes) = entry?;
        if codec::decode::<Session>(&bytes)?.user_id == user.id {
            store.sessions.remove(key)?;
        }
    }
    Ok(user)
}

/// The person with this e-mail address and password.
pub fn verify(store: &Store, email: &str, password: &str) -> Result<User, UserError> {
    let email = email.trim().to_lowercase();
    let user = match store.user_emails.get(email.as_bytes())? {
        Some(id) => get(store, &String::from_utf8_lossy(&id)).ok(),
        None => None,
    };
    // Hash even for an unknown address, so the answer takes as long either way.
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let decoy =
        || DECOY.get_or_init(|| hash_password("decoy password").unwrap_or_default()).clone();
    let stored = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(decoy);
    let parsed = PasswordHash::new(&stored).map_err(|_| UserError::BadCredentials)?;
    let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
    match user {
        Some(user) if matches => Ok(user),
        _ => Err(UserError::BadCredentials),
    }
}

/// Starts a session; answers the cookie token and the session.
pub fn start_session(store: &Store, user: &User) -> Result<(String, Session), UserError> {
    let mut rng = rand::rng();
    let token = Alphanumeric.sample_string(&mut rng, 48);
    let session = Session {
        user_id: user.id.clone(),
        csrf_token: Alphanumeric.sample_string(&mut rng, 32),
        expires_at: clock::now_micros() + SESSION_IDLE,
    };
    store.sessions.insert(sha256(&token), codec::encode(&session)?)?;
    Ok((token, session))
}

/// The live session of a cookie token and its person; extends it while in use.
pub fn session(store: &Store, token: &str) -> Result<Option<(User, Session)>, UserError> {
    let key = sha256(token);
    let Some(bytes) = store.sessions.get(key)? else { return Ok(None) };
    let mut session: Session = codec::decode(&bytes)?;
    let now = clock::now_micros();
    if session.expires_at <= now {
        store.sessions.remove(key)?;
        return Ok(None);
    }
    let Ok(user) = get(store, &session.user_id) else { return Ok(None) };
    // Extend at most once an hour, so reading does not write on every request.
    if session.expires_at - now < SESSION_IDLE - 3600 * 1_000_000 {
        session.expires_at = now + SESSION_IDLE;
        store.sessions.insert(key, codec::encode(&session)?)?;
    }
    Ok(Some((user, session)))
}

/// Ends a session.
pub fn end_session(store: &Store, token: &str) -> Result<(), UserError> {
    store.sessions.remove(sha256(token))?;
    Ok(())
}

/// Whether anyone can sign in yet.
pub fn any(store: &Store) -> bool {
    !store.users.is_empty()
}

/// While nobody can sign in, makes a new one-time setup token (replacing any older one).
pub fn new_setup_token(store: &Store) -> Result<Option<String>, UserError> {
    if any(store) {
        return Ok(None);
    }
    let token = Alphanumeric.sample_string(&mut rand::rng(), 32);
    store.meta.insert(SETUP_KEY, &sha256(&token))?;
    Ok(Some(token))
}

/// Creates the first admin with the setup token, which then stops working.
pub fn redeem_setup(
    store: &Store,
    token: &str,
    email: &str,
    password: &str,
) -> Result<User, UserError> {
    let stored = store.meta.get(SETUP_KEY)?;
    let valid = stored.is_some_and(|hash| {
        subtle::ConstantTimeEq::ct_eq(hash.as_ref(), sha256(token).as_slice()).into()
    });
    if !valid || any(store) {
        return Err(UserError::BadSetupToken);
    }
    create(store, email, password, Role::Admin)
}
