// auth-header ships no types; only what modelship uses of it.
declare module 'auth-header' {
  export interface Challenge {
    readonly scheme: string;
    readonly token: string | null;
    readonly params: Readonly<Record<string, string | readonly string[]>>;
  }
  export function parse(header: string): Challenge;
}
