// A job's planned steps, as the plan holds them (`Plan.steps`).
/** A planned step as the dbt command line it stands for: `dbt run -s tag:daily --exclude x`. */
export function stepLine(command: string, request: unknown): string {
  const { select = [], exclude = [], selector = null, full_refresh = false } = (request ?? {}) as {
    select?: string[];
    exclude?: string[];
    selector?: string | null;
    full_refresh?: boolean;
  };
  const words = [`dbt ${command}`];
  if (selector) words.push(`--selector ${selector}`);
  if (select.length) words.push(`-s ${select.join(" ")}`);
  if (exclude.length) words.push(`--exclude ${exclude.join(" ")}`);
  if (full_refresh) words.push("--full-refresh");
  return words.join(" ");
}
