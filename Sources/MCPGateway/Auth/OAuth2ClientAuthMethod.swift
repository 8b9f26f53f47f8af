/// How the client proves its identity at the token endpoint (RFC 6749 §2.3.1).
///
/// Both are in the seed design; servers differ in which they accept, so it is a per-server setting
/// (`oauth2_auth_method`) rather than something guessed from metadata.
public enum OAuth2ClientAuthMethod: String, Sendable, Hashable, CaseIterable {
    /// Credentials in an `Authorization: Basic` header: the default, and what RFC 6749 says servers must support.
    case clientSecretBasic = "client_secret_basic"
    /// Credentials as `client_id` / `client_secret` form fields, for servers that accept only that.
    case clientSecretPost = "client_secret_post"
}
