package io.jasyncio.tools;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import io.jasyncio.management.EventLoopsMXBean;
import io.jasyncio.management.Loops;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerNotification;
import javax.management.MalformedObjectNameException;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * {@code ./jasyncio ps PID} and {@code ./jasyncio pstree PID}: the tasks of the event loops of a
 * running jasyncio JVM, as a table or as a tree with what each task awaits, like Python's {@code
 * python -m asyncio ps|pstree PID}. Nothing to configure in the target process.
 *
 * <pre>
 *   java -cp jasyncio-core.jar:jasyncio-tools.jar io.jasyncio.tools.Ps ps|pstree PID [--json]
 * </pre>
 *
 * <p>How: attaches to the process with the JDK's attach API (same user, as {@code jcmd} does), reads
 * its system properties to learn whether a jasyncio loop ever ran there, starts (or finds) its local
 * JMX agent, and calls the MXBean {@value Loops#MBEAN_NAME} ({@link EventLoopsMXBean}). Each refusal
 * says why: no such process, not a Java VM, attach refused (another user, {@code
 * -XX:+DisableAttachMechanism}), no jasyncio loop in that process.
 *
 * <p>Exit status: 0 when the tasks were printed, 1 when the process could not be read (the message on
 * standard error says why), 2 for a usage error.
 */
public final class Ps {

    /** How long to wait for the MXBean of a process whose first loop started a moment ago. */
    private static final Duration REGISTRATION_PATIENCE = Duration.ofSeconds(10);

    private Ps() {}

    /**
     * Runs the tool and exits with its status.
     *
     * @param args {@code ps|pstree PID [--json]}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the tool: prints the tasks of process {@code PID} to {@code out}, or why they cannot be read
     * to {@code err}.
     *
     * @param args {@code ps|pstree PID [--json]}: {@code ps} prints a table, {@code pstree} a tree,
     *     {@code --json} the JSON form of either
     * @param out where the tasks go
     * @param err where errors go
     * @return 0 when the tasks were printed, 1 when the process could not be read, 2 for a usage error
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(List.of(args));
        boolean json = rest.remove("--json");
        if (rest.size() != 2 || !(rest.get(0).equals("ps") || rest.get(0).equals("pstree"))) {
            err.println("usage: jasyncio ps|pstree PID [--json]");
            return 2;
        }
        String command = rest.get(0);
        long pid;
        try {
            pid = Long.parseLong(rest.get(1));
        } catch (NumberFormatException e) {
            err.println("jasyncio " + command + ": not a process id: " + rest.get(1));
            return 2;
        }
        try {
            try (JMXConnector connector = connect(pid)) {
                EventLoopsMXBean loops = mxBean(pid, connector.getMBeanServerConnection());
                if (loops.getLoopCount() == 0) {
                    throw new Refused("process " + pid + " has no live jasyncio event loop (every loop it ran is closed)");
                }
                String text = json ? loops.toJson() + System.lineSeparator()
                        : command.equals("ps") ? loops.formatTable() : loops.formatTree();
                out.print(text);
                out.flush();
                return 0;
            } catch (UndeclaredThrowableException e) {
                // a proxy call whose connection failed (the process exited meanwhile, say)
                throw new Refused("lost the connection to process " + pid + ": " + e.getCause());
            } catch (IOException e) {
                throw new Refused("cannot talk to the JMX agent of process " + pid + ": " + e);
            }
        } catch (Refused e) {
            err.println("jasyncio " + command + ": " + e.getMessage());
            return 1;
        }
    }

    /** Attaches to {@code pid}, checks that jasyncio runs there, and connects to its local JMX agent. */
    private static JMXConnector connect(long pid) throws Refused, IOException {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            throw new Refused("no process with pid " + pid);
        }
        if (pid == ProcessHandle.current().pid()) {
            throw new Refused("pid " + pid + " is this tool's own process");
        }
        String owner = process.get().info().user().orElse(null);
        String me = System.getProperty("user.name");
        if (owner != null && !owner.equals(me) && !me.equals("root")) {
            throw new Refused("process " + pid + " belongs to user " + owner + ", and only its own user can attach"
                    + " to a JVM: run this as " + owner);
        }
        if (isJavaVm(pid).equals(Optional.of(false))) {
            // Attaching would wait seconds for an answer that cannot come.
            throw new Refused("process " + pid + named(process.get()) + " is not a Java VM"
                    + (process.get().info().command().isEmpty() ? ", or it is exiting" : ""));
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException | SecurityException e) {
            throw new Refused(attachRefused(process.get(), e));
        }
        String address;
        try {
            Properties properties = vm.getSystemProperties();
            String marker = properties.getProperty(Loops.MARKER_PROPERTY);
            if (marker == null) {
                if ("false".equalsIgnoreCase(properties.getProperty(Loops.ENABLED_PROPERTY))) {
                    throw new Refused("process " + pid + " runs with -D" + Loops.ENABLED_PROPERTY
                            + "=false: its event loops are not visible from outside");
                }
                throw new Refused("process " + pid + " has no jasyncio event loop (none has run in it yet)");
            }
            if (!marker.equals(Loops.MBEAN_NAME)) {
                throw new Refused("process " + pid + " runs jasyncio but could not publish its loops: " + marker);
            }
            try {
                address = vm.startLocalManagementAgent();
            } catch (IOException e) {
                throw new Refused("process " + pid + " cannot start its local JMX agent (does its runtime"
                        + " include the jdk.management.agent module?): " + e.getMessage());
            }
        } finally {
            vm.detach();
        }
        return JMXConnectorFactory.connect(new JMXServiceURL(address));
    }

    /**
     * The MXBean of the target, waiting for its registration if the process's first loop started a
     * moment ago (the registration runs on a background thread there).
     */
    private static EventLoopsMXBean mxBean(long pid, MBeanServerConnection connection) throws Refused, IOException {
        ObjectName name;
        try {
            name = new ObjectName(Loops.MBEAN_NAME);
        } catch (MalformedObjectNameException e) {
            throw new AssertionError(e);
        }
        if (!connection.isRegistered(name)) {
            CountDownLatch registered = new CountDownLatch(1);
            NotificationListener listener = (notification, handback) -> {
                if (notification instanceof MBeanServerNotification n && name.equals(n.getMBeanName())
                        && MBeanServerNotification.REGISTRATION_NOTIFICATION.equals(n.getType())) {
                    registered.countDown();
                }
            };
            try {
                connection.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener, null, null);
                // Registered between the first check and the listener: the second check sees it.
                boolean there = connection.isRegistered(name)
                        || registered.await(REGISTRATION_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                connection.removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener);
                if (!there) {
                    throw new Refused("process " + pid + " started a jasyncio loop but did not publish it within "
                            + REGISTRATION_PATIENCE.toSeconds() + " s");
                }
            } catch (JMException e) {
                throw new Refused("cannot watch the MBeans of process " + pid + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Refused("interrupted");
            }
        }
        return JMX.newMXBeanProxy(connection, name, EventLoopsMXBean.class);
    }

    /** Why attaching to {@code process} failed, in words that say what to do. */
    private static String attachRefused(ProcessHandle process, Exception e) {
        long pid = process.pid();
        String command = named(process);
        Optional<Boolean> jvm = isJavaVm(pid);
        if (jvm.isEmpty()) {
            boolean listed = false;
            for (VirtualMachineDescriptor d : VirtualMachine.list()) {
                listed |= d.id().equals(Long.toString(pid));
            }
            jvm = listed ? Optional.of(true) : Optional.empty();
        }
        if (jvm.isEmpty()) {
            return "cannot attach to process " + pid + command + ": it is not a Java VM, or it does not let"
                    + " tools attach (-XX:+DisableAttachMechanism): " + e.getMessage();
        }
        return "cannot attach to Java process " + pid + command + ": " + e.getMessage()
                + " (was it started with -XX:+DisableAttachMechanism?)";
    }

    /** The process's command in parentheses, after a space; empty when it cannot be read. */
    private static String named(ProcessHandle process) {
        return process.info().command().map(c -> " (" + c + ")").orElse("");
    }

    /**
     * Whether process {@code pid} runs a HotSpot JVM, from the libraries it mapped ({@code
     * /proc/PID/maps}, Linux); empty where that cannot be read.
     */
    private static Optional<Boolean> isJavaVm(long pid) {
        Path maps = Path.of("/proc", Long.toString(pid), "maps");
        try (Stream<String> lines = Files.lines(maps, StandardCharsets.ISO_8859_1)) {
            return Optional.of(lines.anyMatch(line -> line.endsWith("/libjvm.so")));
        } catch (IOException | UncheckedIOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** A refusal with the message the user sees. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }
}
