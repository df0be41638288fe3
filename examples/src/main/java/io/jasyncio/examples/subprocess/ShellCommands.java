package io.jasyncio.examples.subprocess;

import static io.jasyncio.Asyncio.*;
import static io.jasyncio.subprocess.Subprocess.*;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.jasyncio.examples.Example;
import io.jasyncio.subprocess.Process;
import java.io.IOException;
import java.io.PrintStream;

/**
 * Subprocesses (not a seed section; issue 7): two shell commands run at once, each with its output
 * collected through pipes. The example of Python's asyncio-subprocess documentation, line for line:
 *
 * <pre>{@code
 * import asyncio
 *
 * async def run(cmd):
 *     proc = await asyncio.create_subprocess_shell(
 *         cmd,
 *         stdout=asyncio.subprocess.PIPE,
 *         stderr=asyncio.subprocess.PIPE)
 *
 *     stdout, stderr = await proc.communicate()
 *
 *     print(f'[{cmd!r} exited with {proc.returncode}]')
 *     if stdout:
 *         print(f'[stdout]\n{stdout.decode()}')
 *     if stderr:
 *         print(f'[stderr]\n{stderr.decode()}')
 *
 * async def main():
 *     await asyncio.gather(
 *         run('ls /zzz'),
 *         run('sleep 1; echo "hello"'))
 *
 * asyncio.run(main())
 * }</pre>
 *
 * <p>It prints (the {@code ls} message is the system's; GNU {@code ls} exits with 2):
 *
 * <pre>
 * ['ls /zzz' exited with 2]
 * [stderr]
 * ls: cannot access '/zzz': No such file or directory
 *
 * ['sleep 1; echo "hello"' exited with 0]
 * [stdout]
 * hello
 * </pre>
 *
 * <p>{@code communicate()} writes stdin, reads stdout and stderr to their ends and waits for the
 * child, all at once, so no output is too large for it. Each child's pipes are read by threads of
 * their own, so the loop stays free meanwhile: the two commands overlap, and the whole program takes
 * the one second of the slower one.
 */
public final class ShellCommands extends Example {

    /** The example, printing to {@code out}. */
    public ShellCommands(PrintStream out) {
        super(out);
    }

    /** {@code async def run(cmd)}. */
    public void run(String cmd) throws IOException {
        Process proc = createSubprocessShell(cmd, options().stdout(PIPE).stderr(PIPE));

        Process.Output output = proc.communicate();

        print("[" + repr(cmd) + " exited with " + proc.returncode() + "]");
        if (output.stdout().length > 0) {
            print("[stdout]\n" + new String(output.stdout(), UTF_8));
        }
        if (output.stderr().length > 0) {
            print("[stderr]\n" + new String(output.stderr(), UTF_8));
        }
    }

    /** {@code async def main()}. */
    public void main() {
        gather(
                () -> run("ls /zzz"),
                () -> run("sleep 1; echo \"hello\""));
    }

    @Override
    public void program() {
        io.jasyncio.Asyncio.run(() -> main());
    }

    /** Runs the example on standard output. */
    public static void main(String[] args) {
        new ShellCommands(System.out).program();
    }

    /** Python's {@code repr} of a str: single quotes unless it holds one and no double quote. */
    static String repr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder b = new StringBuilder().append(quote);
        for (char c : s.toCharArray()) {
            if (c == '\\' || c == quote) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append(quote).toString();
    }
}
