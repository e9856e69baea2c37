import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

/** Terminal columns and rows, following resizes; fixed values win (tests, benches). */
export function useTerminalSize(fixedWidth?: number, fixedHeight?: number): { width: number; height: number } {
  const { stdout } = useStdout();
  const read = () => ({ width: fixedWidth ?? stdout.columns ?? 80, height: fixedHeight ?? stdout.rows ?? 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixedWidth !== undefined && fixedHeight !== undefined) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixedWidth, fixedHeight]);
  return fixedWidth !== undefined && fixedHeight !== undefined ? { width: fixedWidth, height: fixedHeight } : size;
}
