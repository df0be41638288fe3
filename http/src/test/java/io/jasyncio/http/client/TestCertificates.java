package io.jasyncio.http.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throwaway certificates made with the {@code openssl} command line once per JVM in a temporary
 * directory: a CA and a leaf it signed for localhost, 127.0.0.1 and the memory network's
 * {@code secure.test}, plus a self-signed certificate for the same names. Missing openssl fails.
 */
final class TestCertificates {
    final Path ca;
    final Path chain;
    final Path key;
    final Path selfSigned;
    final Path selfSignedKey;

    private static TestCertificates made;

    private TestCertificates(Path dir) {
        ca = dir.resolve("ca.pem");
        chain = dir.resolve("chain.pem");
        key = dir.resolve("leaf.key");
        selfSigned = dir.resolve("self.pem");
        selfSignedKey = dir.resolve("self.key");
    }

    /** Made on first use; blocking (call from {@code @BeforeAll}). */
    static synchronized TestCertificates get() throws IOException, InterruptedException {
        if (made == null) {
            Path dir = Files.createTempDirectory("jasyncio-http-tls");
            TestCertificates c = new TestCertificates(dir);
            String san = "subjectAltName=DNS:localhost,DNS:secure.test,DNS:*.secure.test,IP:127.0.0.1";
            Files.writeString(dir.resolve("leaf.ext"), san + "\nbasicConstraints=CA:FALSE\n"
                    + "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
            String ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
            openssl(dir, "req -x509 " + ec + " -keyout ca.key -out ca.pem -days 2 -subj /CN=jasyncio-http-test-ca"
                    + " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
            openssl(dir, "req -new " + ec + " -keyout leaf.key -out leaf.csr -subj /CN=localhost");
            openssl(dir, "x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -set_serial 2 -out leaf.pem -days 2"
                    + " -extfile leaf.ext");
            Files.writeString(c.chain, Files.readString(dir.resolve("leaf.pem")) + Files.readString(c.ca));
            openssl(dir, "req -x509 " + ec + " -keyout self.key -out self.pem -days 2 -subj /CN=localhost -addext "
                    + san);
            for (Path p : Files.list(dir).toList()) {
                p.toFile().deleteOnExit();
            }
            dir.toFile().deleteOnExit();
            made = c;
        }
        return made;
    }

    private static void openssl(Path dir, String args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args.split(" ")));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("openssl " + args + " did not finish in 30 s");
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.exitValue() != 0) {
            throw new IOException("openssl " + args + " failed (" + p.exitValue() + "): " + out);
        }
    }
}
