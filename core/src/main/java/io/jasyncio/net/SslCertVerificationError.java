package io.jasyncio.net;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.SSLHandshakeException;

/**
 * The TLS handshake failed because the peer's certificate did not pass verification: Python's
 * {@code ssl.SSLCertVerificationError}. The message says why ({@link #reason()}: hostname mismatch,
 * untrusted chain, expired ...); the JDK's own exception is the cause.
 *
 * <p>An {@link SSLHandshakeException}, so {@code catch (SSLHandshakeException e)} and {@code catch
 * (IOException e)} see it as every other failed handshake.
 */
public final class SslCertVerificationError extends SSLHandshakeException {
    private static final long serialVersionUID = 1L;

    /** Why verification failed. */
    public enum Reason {
        /** The certificate is valid, but not for the name the client asked for. */
        HOSTNAME_MISMATCH,
        /** The chain does not lead to a trusted certificate (self-signed, or an unknown issuer). */
        UNTRUSTED,
        /** A certificate of the chain has expired. */
        EXPIRED,
        /** A certificate of the chain is not valid yet. */
        NOT_YET_VALID,
        /** Anything else the trust manager refused. */
        OTHER
    }

    /** Why verification failed. */
    private final Reason reason;
    /** The short explanation, without the JDK's detail. */
    private final String verifyMessage;

    /** A verification failure for {@code reason}, described by {@code verifyMessage}, caused by {@code cause}. */
    public SslCertVerificationError(Reason reason, String verifyMessage, Throwable cause) {
        super("certificate verify failed: " + verifyMessage
                + (cause != null && cause.getMessage() != null ? " (" + cause.getMessage() + ")" : ""));
        this.reason = reason;
        this.verifyMessage = verifyMessage;
        initCause(cause);
    }

    /** Why verification failed. */
    public Reason reason() {
        return reason;
    }

    /** The short explanation, as Python's {@code verify_message}: e.g. {@code "self-signed certificate"}. */
    public String verifyMessage() {
        return verifyMessage;
    }

    /**
     * {@code e} as a verification error when a certificate check caused it, otherwise null.
     * {@code serverHostname} names the expected host in a hostname-mismatch message.
     */
    static SslCertVerificationError classify(Throwable e, String serverHostname) {
        if (!(e instanceof SSLHandshakeException) || e instanceof SslCertVerificationError) {
            return null;
        }
        boolean pathFailed = false;
        CertificateException hostname = null;
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c instanceof CertificateExpiredException) {
                return new SslCertVerificationError(Reason.EXPIRED, "certificate has expired", e);
            }
            if (c instanceof CertificateNotYetValidException) {
                return new SslCertVerificationError(Reason.NOT_YET_VALID, "certificate is not yet valid", e);
            }
            if (c instanceof CertPathBuilderException || c instanceof CertPathValidatorException
                    || c.getClass().getName().equals("sun.security.validator.ValidatorException")) {
                pathFailed = true;
            }
            if (c.getClass() == CertificateException.class && isHostnameMessage(c.getMessage())) {
                hostname = (CertificateException) c;
            }
        }
        if (hostname != null) {
            String name = serverHostname != null ? "'" + serverHostname + "'" : "the requested host";
            return new SslCertVerificationError(Reason.HOSTNAME_MISMATCH,
                    "Hostname mismatch, certificate is not valid for " + name, e);
        }
        if (pathFailed) {
            return new SslCertVerificationError(Reason.UNTRUSTED,
                    "untrusted certificate: its chain does not lead to a trusted certificate"
                            + " (self-signed, or issued by an unknown authority)", e);
        }
        if (e.getCause() instanceof CertificateException) {
            return new SslCertVerificationError(Reason.OTHER, "the peer's certificate was refused", e);
        }
        return null;
    }

    /** The JDK's HostnameChecker says "No name matching ...", "No subject alternative ... matching ...". */
    private static boolean isHostnameMessage(String m) {
        if (m == null) {
            return false;
        }
        String s = m.toLowerCase(Locale.ROOT);
        return s.startsWith("no name matching") || s.startsWith("no subject alternative");
    }
}
