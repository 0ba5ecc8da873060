package io.cairn.server;

import io.cairn.server.config.ServerConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import java.io.File;
import java.io.IOException;

/** TLS for {@code tls-port}: Netty's SslHandler with a PEM certificate chain and PKCS#8 key, as redis.conf names them. */
final class Tls {
    private Tls() {
    }

    static SslContext serverContext(ServerConfig c) throws IOException {
        String cert = c.get("tls-cert-file");
        String key = c.get("tls-key-file");
        if (cert.isEmpty() || key.isEmpty()) {
            throw new IOException("tls-port is set but tls-cert-file or tls-key-file is not");
        }
        try {
            String pass = c.get("tls-key-file-pass");
            SslContextBuilder b = SslContextBuilder.forServer(new File(cert), new File(key), pass.isEmpty() ? null : pass)
                    .protocols(c.get("tls-protocols").split(" "));
            String ca = c.get("tls-ca-cert-file");
            String auth = c.get("tls-auth-clients");
            if (!ca.isEmpty()) b.trustManager(new File(ca));
            b.clientAuth(switch (auth) {
                case "no" -> ClientAuth.NONE;
                case "optional" -> ClientAuth.OPTIONAL;
                default -> ca.isEmpty() ? ClientAuth.NONE : ClientAuth.REQUIRE;
            });
            return b.build();
        } catch (Exception e) {
            throw new IOException("could not set up TLS from " + cert + " and " + key + ": " + e.getMessage(), e);
        }
    }
}
