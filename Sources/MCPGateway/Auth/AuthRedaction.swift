import CurlHTTP

// Every type here carries a client secret or a token. Each prints, dumps and reflects without
// it, so a log line, a debugger or an error that interpolates one can never leak it.

extension OAuth2Credentials: CustomDebugStringConvertible, CustomReflectable {
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: [
            "server": server, "tokenURL": tokenURL, "clientID": clientID, "clientSecret": Redaction.placeholder,
            "scopes": scopes, "resource": resource as Any, "authMethod": authMethod,
        ], displayStyle: .struct)
    }
}

extension OAuth2Authorizer: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "OAuth2Authorizer(server: '\(server)', clientID: \(clientID), clientSecret: \(Redaction.placeholder))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["server": server, "resource": resource, "clientID": clientID, "clientSecret": Redaction.placeholder], displayStyle: .class)
    }
}

extension StaticTokenAuthorizer: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "StaticTokenAuthorizer(token: \(Redaction.placeholder))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["token": Redaction.placeholder], displayStyle: .struct) }
}

extension OAuth2TokenState.Token: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String {
        "Token(accessToken: \(Redaction.placeholder), refreshToken: \(Redaction.mark(refreshToken) ?? "none"))"
    }
    var debugDescription: String { description }
    var customMirror: Mirror {
        Mirror(self, children: [
            "accessToken": Redaction.placeholder, "refreshToken": Redaction.mark(refreshToken) as Any, "refreshAt": refreshAt as Any,
        ], displayStyle: .struct)
    }
}

extension OAuth2TokenState.Grant: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { name }
    var debugDescription: String { name }
    var customMirror: Mirror { Mirror(self, children: ["grant_type": name], displayStyle: .enum) }
}

extension OAuth2TokenEndpoint.Answer: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String {
        "Answer(accessToken: \(Redaction.placeholder), refreshToken: \(Redaction.mark(refreshToken) ?? "none"))"
    }
    var debugDescription: String { description }
    var customMirror: Mirror {
        Mirror(self, children: ["accessToken": Redaction.placeholder, "refreshToken": Redaction.mark(refreshToken) as Any], displayStyle: .struct)
    }
}
