package dev.zoft.federation.net;

/**
 * A request the coordinator refuses, with the HTTP status that says why (4xx) and a reason for
 * the client. A refused request changes no state.
 */
public final class Rejected extends Exception {

    private final int status;

    public Rejected(int status, String reason) {
        super(reason);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("not an error status: " + status);
        }
        this.status = status;
    }

    /** The HTTP status: 400 malformed, 401 bad credential, 403 not allowed, 404 unknown, 409 conflict, 410 too late, 413 too big, 422 invalid values. */
    public int status() {
        return status;
    }

    public String reason() {
        return getMessage();
    }
}
