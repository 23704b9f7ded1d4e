import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { JobForm } from "./JobForm";

/** The server, as far as the preview asks it: each request's variables, and an answer per cron. */
function stubServer(answer: (cron: string, timezone: string) => unknown) {
  const asked: { cron: string; timezone: string }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (_url: string, init: RequestInit) => {
      const { variables } = JSON.parse(String(init.body)) as { variables: { cron: string; timezone: string } };
      asked.push(variables);
      return new Response(JSON.stringify({ data: { schedulePreview: answer(variables.cron, variables.timezone) } }), { status: 200 });
    }),
  );
  return asked;
}

function renderForm() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <JobForm jobs={[]} onSubmit={async () => {}} submitLabel="Create job" failure={null} />
    </QueryClientProvider>,
  );
}

const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
const settle = () => act(async () => void (await vi.advanceTimersByTimeAsync(1000)));

beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("the job form's schedule preview", () => {
  it("asks the server once the typing stops, only for a whole expression, and lists the five fires", async () => {
    const fires = ["2026-12-06T01:30:00+00:00", "2026-12-07T01:30:00+00:00", "2026-12-08T01:30:00+00:00", "2026-12-09T01:30:00+00:00", "2026-12-10T01:30:00+00:00"];
    const asked = stubServer(() => ({ __typename: "SchedulePreview", fires }));
    renderForm();
    type("Time zone", "Europe/Berlin");
    type("Schedule (cron)", "30 2 *");
    type("Schedule (cron)", "30 2 * *");
    await settle();
    expect(asked).toEqual([]); // four fields are not an expression yet
    // Two whole expressions in quick succession: only the one the user stopped at is asked for.
    type("Schedule (cron)", "30 1 * * *");
    await act(async () => void (await vi.advanceTimersByTimeAsync(150))); // a keystroke's pause
    type("Schedule (cron)", "30 2 * * *");
    await settle();
    expect(asked).toEqual([{ cron: "30 2 * * *", timezone: "Europe/Berlin" }]);
    const items = await screen.findAllByRole("listitem");
    expect(items).toHaveLength(5);
    expect(items[0]!.textContent).toMatch(/2:30.*Europe\/Berlin/);
  });

  it("shows the server's refusal where the fires would be", async () => {
    stubServer((cron) => ({ __typename: "ValidationError", message: `invalid cron expression '${cron}'` }));
    renderForm();
    type("Schedule (cron)", "61 2 * * *");
    await settle();
    expect((await screen.findByRole("alert")).textContent).toBe("invalid cron expression '61 2 * * *'");
  });
});
