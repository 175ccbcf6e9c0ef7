import ArgumentParser
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import Shared

/// `Gateway` serves by default; `Gateway account …` and `Gateway seed-demo` are the operators' CLI.
@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Gateway", abstract: "The ECE platform's gateway and its account administration.",
        subcommands: [Serve.self, AccountCommand.self, SeedDemo.self], defaultSubcommand: Serve.self)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway (the default).")

    func run() async throws {
        let configuration = ServiceConfiguration(service: "gateway", defaultPort: 8080)
        await runService(configuration, buildApplication)
    }
}

struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "Create, disable, enable and list accounts.",
        subcommands: [Create.self, Disable.self, Enable.self, List.self])

    struct Create: AsyncParsableCommand {
        @Option(help: "Login.") var login: String
        @Option(help: "Display name.") var name: String
        @Option(help: "Role: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).") var role: String
        @Option(help: "Scope: national, academie:<code> or uai:<UAI>.") var scope: String
        @Option(help: "Password (12 characters at least); read from ECE_PASSWORD when omitted.") var password: String?
        @Option(help: "The académie whose gestionnaire keeps the account (a school's; an académie's scope gives its own).") var academie: String?
        @Option(help: "The owner's address (password links).") var email: String?

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("unknown role \(role)") }
            guard let scope = Scope(scope), scope.fits(role) else {
                throw ValidationError("scope \(scope) does not fit role \(role.rawValue)")
            }
            guard let password = password ?? ProcessInfo.processInfo.environment["ECE_PASSWORD"] else {
                throw ValidationError("--password or ECE_PASSWORD is required")
            }
            if let problem = Passwords.problems(password) { throw ValidationError("password: \(problem)") }
            try await withAccounts { accounts, cost in
                let account = Account(id: UUID(), login: login, displayName: name, role: role, scope: scope,
                                      passwordHash: try await Passwords(cost: cost).hash(password), disabled: false,
                                      email: email, academie: academie)
                guard try await accounts.create(account) else { throw ValidationError("login \(login) is taken") }
                print("created \(login) (\(role.rawValue), \(scope))")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        @Option var login: String
        func run() async throws {
            try await withAccounts { accounts, _ in
                guard try await accounts.setDisabled(login: login, true) else { throw ValidationError("no account \(login)") }
                print("disabled \(login); its sessions are revoked")
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        @Option var login: String
        func run() async throws {
            try await withAccounts { accounts, _ in
                guard try await accounts.setDisabled(login: login, false) else { throw ValidationError("no account \(login)") }
                print("enabled \(login)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        func run() async throws {
            try await withAccounts { accounts, _ in
                for a in try await accounts.list() {
                    let state = a.disabled ? "disabled" : a.passwordHash == nil ? "awaiting activation" : "active"
                    print("\(a.login)\t\(a.role.rawValue)\t\(a.scope)\t\(state)\t\(a.displayName)")
                }
            }
        }
    }
}

/// The demo accounts `make up` creates (idempotent) and prints.
struct SeedDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed-demo", abstract: "Create the demo accounts.")
    static let password = "ece-demo-2027!"
    static let accounts: [(String, String, Role, Scope)] = [
        ("admin", "Exploitation", .admin, .national),
        ("dsii.demo", "Équipe nationale DSII", .dsii, .national),
        ("gestionnaire.besancon", "DEC Besançon", .gestionnaire, .academie("03")),
        ("coordinateur.besancon", "Coordination Santorin Besançon", .coordinateur, .academie("03")),
        ("etab.0251080N", "Lycée Victor-Hugo (établissement)", .etablissement, .etablissement("0251080N")),
        ("centre.0251080N", "Lycée Victor-Hugo (centre d'épreuve)", .centre, .etablissement("0251080N")),
        ("referent.0251080N", "Référent de correction Victor-Hugo", .referent, .etablissement("0251080N")),
        ("examinateur.demo", "Camille Martin (examinatrice)", .examinateur, .academie("03")),
    ]

    func run() async throws {
        try await withAccounts { accounts, cost in
            let passwords = Passwords(cost: cost)
            print("Demo accounts (password \(Self.password)):")
            for (login, name, role, scope) in Self.accounts {
                let created = try await accounts.create(Account(
                    id: UUID(), login: login, displayName: name, role: role, scope: scope,
                    passwordHash: try await passwords.hash(Self.password), disabled: false,
                    academie: scope == .national ? nil : "03"))
                print("  \(login.padding(toLength: 24, withPad: " ", startingAt: 0)) \(role.rawValue) \(scope)\(created ? "" : " (existing)")")
            }
        }
    }
}

/// Runs `body` with the account repository on the gateway's database (migrated first).
func withAccounts(_ body: (AccountRepository, UInt8) async throws -> Void) async throws {
    let configuration = ServiceConfiguration(service: "gateway", defaultPort: 8080)
    try await withServiceDatabase(configuration, migrations: gatewayMigrations) { client, schema, logger in
        try await body(AccountRepository(client: client, schema: schema, logger: logger),
                       GatewaySettings(configuration.environment).bcryptCost)
    }
}
