import Foundation
import MCP

/// `current_time(timezone?)`: the wall-clock time in an IANA zone, since models do not know it.
enum CurrentTimeTool {
    static let entry = ToolEntry.inline(
        Tool(
            name: "current_time",
            title: "Current time",
            description: """
                The current date and time in an IANA time zone (for example "Europe/Paris", \
                "America/New_York", "UTC"), as ISO 8601 with the UTC offset. Without a zone, \
                the server's local zone.
                """,
            inputSchema: [
                "type": "object",
                "properties": [
                    "timezone": [
                        "type": "string",
                        "description": "IANA time zone name, e.g. \"Asia/Tokyo\". Default: the server's local zone.",
                    ]
                ],
                "required": [],
            ],
            annotations: .readOnly("Current time", openWorld: false),
            outputSchema: [
                "type": "object",
                "properties": [
                    "timezone": ["type": "string"],
                    "datetime": ["type": "string", "description": "ISO 8601 with offset"],
                    "utc_offset": ["type": "string"],
                    "is_dst": ["type": "boolean"],
                ],
                "required": ["timezone", "datetime", "utc_offset", "is_dst"],
            ]
        )
    ) { arguments throws(ArgumentError) in
        let zone: TimeZone
        if let name = try arguments.optionalString("timezone"), !name.isEmpty {
            guard let found = TimeZone(identifier: name) else {
                return .failure("unknown time zone '\(name)': use an IANA name such as \"Europe/Paris\" or \"UTC\"")
            }
            zone = found
        } else {
            zone = TimeZone.current
        }
        return result(ZonedTime(Date(), in: zone))
    }

    static func result(_ time: ZonedTime) -> CallTool.Result {
        .text(
            "\(time.iso8601) (\(time.zone))",
            structured: [
                "timezone": .string(time.zone),
                "datetime": .string(time.iso8601),
                "utc_offset": .string(time.utcOffset),
                "is_dst": .bool(time.isDaylightSaving),
            ]
        )
    }
}
