package io.jasyncio.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link Steps}: expect(n)/finish(n), after kotlinx.coroutines' TestBase. */
class StepsTest {

    @Test
    void stepsInOrderPass() {
        Steps steps = new Steps();
        assertThat(steps.last()).isZero();
        steps.expect(1);
        steps.expect(2);
        assertThat(steps.last()).isEqualTo(2);
        steps.finish(3);
        steps.assertFinished();
        assertThat(steps.last()).isEqualTo(3);
    }

    @Test
    void aSkippedStepFailsAtThatStep() {
        Steps steps = new Steps();
        steps.expect(1);
        assertThatThrownBy(() -> steps.expect(3)).isInstanceOf(AssertionError.class)
                .hasMessage("expected step 2 but step 3 ran");
    }

    @Test
    void aRepeatedStepFails() {
        Steps steps = new Steps();
        steps.expect(1);
        assertThatThrownBy(() -> steps.expect(1)).isInstanceOf(AssertionError.class)
                .hasMessage("expected step 2 but step 1 ran");
    }

    @Test
    void theFirstStepIsOne() {
        assertThatThrownBy(() -> new Steps().expect(0)).hasMessage("expected step 1 but step 0 ran");
        assertThatThrownBy(() -> new Steps().finish(2)).hasMessage("expected step 1 but step 2 ran");
    }

    @Test
    void aStepAfterFinishFails() {
        Steps steps = new Steps();
        steps.finish(1);
        assertThatThrownBy(() -> steps.expect(2)).isInstanceOf(AssertionError.class)
                .hasMessage("step 2 ran after finish(1)");
    }

    @Test
    void assertFinishedFailsWithoutFinish() {
        Steps steps = new Steps();
        steps.expect(1);
        steps.expect(2);
        assertThatThrownBy(steps::assertFinished).isInstanceOf(AssertionError.class)
                .hasMessage("the script stopped at step 2 without finish()");
    }
}
