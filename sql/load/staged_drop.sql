drop view staged
