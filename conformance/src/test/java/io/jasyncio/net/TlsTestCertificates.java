package io.jasyncio.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throwaway certificates made with the {@code openssl} command line, once per JVM, in a temporary
 * directory: a CA, a leaf for {@code localhost} and {@code 127.0.0.1} signed by it (server and
 * client use), and a self-signed certificate for the same names. Valid for two days; EC P-256.
 */
final class TlsTestCertificates {
    /** The CA certificate (trust this). */
    final Path ca;
    /** The leaf certificate followed by the CA: the chain a server presents. */
    final Path chain;
    /** The leaf's private key (PKCS#8 PEM). */
    final Path key;
    /** A self-signed certificate for localhost, trusted by nobody. */
    final Path selfSigned;
    /** Its private key. */
    final Path selfSignedKey;
    /** The leaf alone. */
    final Path leaf;

    private static TlsTestCertificates made;

    private TlsTestCertificates(Path dir) {
        ca = dir.resolve("ca.pem");
        chain = dir.resolve("chain.pem");
        key = dir.resolve("leaf.key");
        leaf = dir.resolve("leaf.pem");
        selfSigned = dir.resolve("self.pem");
        selfSignedKey = dir.resolve("self.key");
    }

    /** The certificates, made on first use (blocking: call it outside the loop, e.g. in {@code @BeforeAll}). */
    static synchronized TlsTestCertificates get() throws IOException, InterruptedException {
        if (made == null) {
            Path dir = Files.createTempDirectory("jasyncio-tls");
            dir.toFile().deleteOnExit();
            TlsTestCertificates c = new TlsTestCertificates(dir);
            Path ext = dir.resolve("leaf.ext");
            Files.writeString(ext, """
                    subjectAltName=DNS:localhost,IP:127.0.0.1
                    basicConstraints=CA:FALSE
                    keyUsage=critical,digitalSignature
                    extendedKeyUsage=serverAuth,clientAuth
                    """);
            String ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
            openssl(dir, "req -x509 " + ec + " -keyout ca.key -out ca.pem -days 2 -subj /CN=jasyncio-test-ca"
                    + " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
            openssl(dir, "req -new " + ec + " -keyout leaf.key -out leaf.csr -subj /CN=localhost");
            openssl(dir, "x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -set_serial 2 -out leaf.pem -days 2 -extfile leaf.ext");
            Files.writeString(c.chain, Files.readString(c.leaf) + Files.readString(c.ca));
            openssl(dir, "req -x509 " + ec + " -keyout self.key -out self.pem -days 2 -subj /CN=localhost"
                    + " -addext subjectAltName=DNS:localhost,IP:127.0.0.1");
            for (Path p : Files.list(dir).toList()) {
                p.toFile().deleteOnExit();
            }
            made = c;
        }
        return made;
    }

    /** Runs {@code openssl ARGS} in {@code dir}; fails (not skips) when openssl is missing or fails. */
    static void openssl(Path dir, String args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args.split(" ")));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("openssl " + args + " did not finish in 30 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("openssl " + args + " failed (" + p.exitValue() + "): " + out);
        }
    }
}
