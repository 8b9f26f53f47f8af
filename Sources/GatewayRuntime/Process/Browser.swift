import Foundation

/// Opens URLs in the person's browser, where there is one.
public enum Browser {
    /// A graphical session (`DISPLAY` / `WAYLAND_DISPLAY`) with `xdg-open` on the PATH.
    public static func available(_ environment: RuntimeEnvironment) -> Bool {
        guard environment["DISPLAY"] != nil || environment["WAYLAND_DISPLAY"] != nil else { return false }
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/xdg-open") }
    }

    /// Starts `xdg-open URL` and does not wait: the printed URL is the fallback if it fails.
    public static func open(_ url: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xdg-open", url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try? process.run()
    }
}
