import Foundation
import Hummingbird
import NIOCore

/// The request context of `lmg serve`: Hummingbird's, plus the connection, so a streamed answer
/// can notice the client going away.
struct GatewayRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

extension GatewayHTTPServer {
    /// The body of `reply`: its data, or its stream written chunk by chunk. A stream is cancelled
    /// when the client closes its side or the connection (or a write fails), which ends the turn
    /// producing it.
    static func responseBody(_ reply: APIResponse, channel: any Channel) -> ResponseBody {
        guard let stream = reply.stream else { return ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)) }
        return ResponseBody { writer in
            let watcher = ClientGoneWatcher { stream.cancel() }
            // Servers allow half-closure: a client that closes shows as `inputClosed`, not as a close.
            try? await channel.pipeline.addHandler(watcher, position: .first).get()
            channel.closeFuture.whenComplete { _ in stream.cancel() }
            defer { channel.pipeline.removeHandler(watcher).whenComplete { _ in } }
            for await chunk in stream.chunks {
                do {
                    try await writer.write(ByteBuffer(bytes: chunk))
                } catch {
                    stream.cancel()
                    throw error
                }
            }
            try await writer.finish(nil)
        }
    }
}

/// Calls `onGone` when the client's side of the connection closes; passes every event on.
final class ClientGoneWatcher: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = NIOAny
    private let onGone: @Sendable () -> Void

    init(onGone: @escaping @Sendable () -> Void) { self.onGone = onGone }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { onGone() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        onGone()
        context.fireChannelInactive()
    }
}
