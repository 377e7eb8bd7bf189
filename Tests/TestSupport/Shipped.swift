import Foundation
import MenuEngine
import MobileMoney
import Operators
import Sessions

/// The data the product ships, loaded once per test process: operator data, menus, the demo world.
public enum Shipped {
    public static let catalog: OperatorCatalog = {
        do { return try OperatorCatalog.load(from: Repository.url("menus/operators.yaml")) } catch { fatalError("operators.yaml: \(error)") }
    }()
    public static let menus: MenuSet = {
        do { return try SessionManager.loadMenus(directory: Repository.url("menus"), catalog: catalog) } catch { fatalError("menus: \(error)") }
    }()
    /// The rules the host gives the menu engine (numbers and money), as `sika` wires them.
    public static let rules: HostRules = .operators
    public static let world: DemoWorld = {
        do { return try DemoWorld.load(from: Repository.url("fixtures/demo-world.yaml")) } catch { fatalError("demo world: \(error)") }
    }()

    /// A demo subscriber's PIN.
    public static func pin(of msisdn: String) -> String {
        world.subscribers.first { $0.msisdn == msisdn }?.pin ?? "0000"
    }
}
