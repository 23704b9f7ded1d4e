// Tables that read their rows a page at a time: the first page shows at once, the rest are read behind it.
import { useEffect } from "react";

interface Paged {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** Read an infinite query's remaining pages one after another, once `more` (the page is drawn: a big page in
 * the server's hands would hold up the small requests the first view waits on). */
export function useRemainingPages({ hasNextPage, isFetchingNextPage, fetchNextPage }: Paged, more: boolean): void {
  useEffect(() => {
    if (more && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [more, hasNextPage, isFetchingNextPage, fetchNextPage]);
}
