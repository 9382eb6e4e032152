/** A response body as loosely typed JSON, for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary JSON shapes
export const json = (res: Response): Promise<any> => res.json();
